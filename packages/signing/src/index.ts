// Signatures: v1 and v2 request signatures (sign and verify), what the replay store must
// remember, webhook verification, and download-link tokens. Imports nothing of ours.
export { signV1, type SignV1Input } from './sign-v1';
export { signV2, stringToSignV2, type SignatureLabel, type SignV2Input } from './sign-v2';
export {
  verifyRequest,
  type SignedRequest,
  type VerifyOptions,
  type VerifyResult,
  type VerifyFailure,
} from './verify-request';
export {
  createDownloadToken,
  checkDownloadToken,
  type DownloadTokenClaims,
  type DownloadTokenCheck,
  createDownloadLink,
  type DownloadLinkSettings,
} from './download-token';
export { verifyWebhook, type ReceivedWebhook } from './verify-webhook';
