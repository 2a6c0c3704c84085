import { MAX_CALLBACK_URL_LENGTH } from '@fluxquery/request-rules';
import { AppError } from '@fluxquery/errors';
import ipaddr from 'ipaddr.js';
import { forbiddenAddressReason, type CallbackPolicy } from './address-policy';

// Names that always mean this machine or a cloud's metadata service, whatever DNS says.
const LOOPBACK_NAMES = /^(localhost|localhost\.localdomain|.+\.localhost)$/;
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

/**
 * The checks a callback URL gets when it is submitted and again before each call: a plain
 * http(s) URL (https in production) without credentials, whose host, when it is an address
 * literal or a name that always means one, is a public address, and which the key's allow-list
 * admits. Names are resolved, and their addresses checked, when the call is made (send-webhook.ts).
 */
export function checkCallbackUrl(text: string, policy: CallbackPolicy): URL {
  const invalid = (why: string) => new AppError('INVALID_CALLBACK_URL', `"callback_url" ${why}`);
  if (text.length > MAX_CALLBACK_URL_LENGTH) throw invalid(`must be at most ${MAX_CALLBACK_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('must be an https URL');
  if (policy.requireHttps && url.protocol !== 'https:') throw invalid('must be an https URL in production');
  if (url.username || url.password) throw invalid('must not carry a user name or password');
  // The WHATWG parser has already turned 2130706433, 0x7f.1 and friends into dotted quads.
  const host = (url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname).toLowerCase();
  const name = host.replace(/\.$/, '');
  if (ipaddr.isValid(host)) {
    const reason = forbiddenAddressReason(host, policy);
    if (reason) throw invalid(`points to ${reason}, which callbacks may not reach`);
  } else if (LOOPBACK_NAMES.test(name) && !policy.allowLoopback) {
    throw invalid('points to this machine, which callbacks may not reach');
  } else if (METADATA_NAMES.has(name)) {
    throw invalid('points to a cloud metadata service, which callbacks may not reach');
  }
  if (policy.allowedHosts && !policy.allowedHosts.some((allowed) => hostMatches(name, allowed))) {
    throw new AppError('CALLBACK_NOT_ALLOWED', `callbacks of this key may not go to ${name}`);
  }
  return url;
}

/** `example.com` matches itself only; `*.example.com` matches its subdomains, not itself. */
function hostMatches(host: string, allowed: string): boolean {
  const pattern = allowed.toLowerCase();
  return pattern.startsWith('*.')
    ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1
    : host === pattern;
}
