export { forbiddenAddressReason, type CallbackPolicy } from './address-policy';
export { checkCallbackUrl } from './callback-url';
export { postWebhook, WEBHOOK_TIMEOUT_MS, type WebhookCall } from './post-webhook';
export { webhookHeaders, type WebhookToSign } from './webhook-signature';
