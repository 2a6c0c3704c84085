import type { ClientKey } from '@fluxquery/config';
import { AppError } from '@fluxquery/errors';
import { checkSelectQuery } from '@fluxquery/sql-guard';
import { checkCallbackUrl } from '@fluxquery/webhooks';

interface CallbackRules {
  requireHttps: boolean;
  allowLoopback: boolean;
}

/** The fields of a request that a key's policy is about. */
export interface PolicyRequest {
  query: string;
  email: string;
  callbackUrl?: string | undefined;
}

export interface PolicySettings {
  /** The database a query's unqualified tables belong to (MYSQL_DSN's). */
  defaultSchema: string;
  /** Development: http and loopback callbacks (absent: production rules). */
  callbacks?: CallbackRules | undefined;
}

/**
 * What a key may ask for, checked before anything is queued: its schemas (the SQL guard), its
 * recipient domains, its callback hosts. Each refusal is the key's own 4xx.
 */
export function checkExportPolicy(request: PolicyRequest, client: ClientKey, settings: PolicySettings): void {
  checkSelectQuery(request.query, { defaultSchema: settings.defaultSchema, allowedSchemas: client.allowedSchemas });
  checkRecipient(request.email, client);
  if (request.callbackUrl) checkCallback(request.callbackUrl, client, settings.callbacks);
}

/** A key may be limited to some recipient domains: exact matches, compared in lower case. */
function checkRecipient(email: string, client: ClientKey): void {
  if (!client.allowedRecipientDomains) return;
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  if (!client.allowedRecipientDomains.includes(domain)) {
    throw new AppError('RECIPIENT_NOT_ALLOWED', `this key may not send exports to ${domain}`);
  }
}

/**
 * A callback_url is checked before anything is queued: scheme, credentials, an address literal or
 * a name that always means a forbidden address (400), and the key's allow-list (403). Names are
 * resolved, and their addresses checked, when the webhook is sent.
 */
function checkCallback(url: string, client: ClientKey, rules: CallbackRules | undefined): void {
  checkCallbackUrl(url, {
    ...(rules ?? PRODUCTION_CALLBACKS),
    ...(client.allowedCallbackHosts ? { allowedHosts: client.allowedCallbackHosts } : {}),
  });
}

const PRODUCTION_CALLBACKS = { requireHttps: true, allowLoopback: false };
