export {
  createClient,
  FluxQueryError,
  type ClientOptions,
  type FluxQueryClient,
  type WaitOptions,
  type Downloaded,
} from './client';
export { signatureHeaders, generateSecret, type SigningScheme, type RequestToSign } from './sign-request';
export { verifyWebhook, type ReceivedWebhook } from '@fluxquery/signing';
export * from './wire-types';
