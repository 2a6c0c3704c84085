// Callback URLs: the rules at submit, the forbidden address ranges, the POST pinned to the
// checked address, and the signed headers. Imports request-rules (the URL's length), signing and
// errors.
export { forbiddenAddressReason, type CallbackPolicy } from './address-policy';
export { checkCallbackUrl } from './callback-url';
export { postWebhook, WEBHOOK_TIMEOUT_MS, type WebhookCall } from './post-webhook';
export { webhookHeaders, type WebhookToSign } from './webhook-signature';
