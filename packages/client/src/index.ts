// The typed client of the HTTP API, with no third-party code: the wire shapes (wire-types.ts, which
// the api's request parser and status builder are typed with), v1/v2 signing, submit, status, wait,
// cancel, download checked by sha256, subscriptions, and verifyWebhook. Imports signing.
export {
  createClient,
  FluxQueryError,
  type ClientOptions,
  type FluxQueryClient,
  type WaitOptions,
  type Downloaded,
  type SubscriptionsClient,
} from './client';
export { signatureHeaders, generateSecret, type SigningScheme, type RequestToSign } from './sign-request';
export { verifyWebhook, type ReceivedWebhook } from '@fluxquery/signing';
export * from './wire-types';
