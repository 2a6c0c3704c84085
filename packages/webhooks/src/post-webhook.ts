import { AppError } from '@fluxquery/errors';
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { forbiddenAddressReason, type CallbackPolicy } from './address-policy';

export interface WebhookCall {
  url: URL;
  body: string;
  /** The signature headers and the delivery id (webhook-signature.ts). */
  headers: Record<string, string>;
  policy: CallbackPolicy;
  /** The whole call: resolving, connecting, sending and the answer. */
  timeoutMs?: number;
}

export const WEBHOOK_TIMEOUT_MS = 5_000;
// What is read of the receiver's answer: only its status matters.
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs one webhook, guarded against server-side request forgery: the host's addresses are
 * resolved here and every one must be allowed (no loopback, private, link-local or metadata
 * address), the connection goes to the address that was checked (so DNS cannot answer
 * differently a moment later), redirects are not followed, and the whole call has a short time
 * limit. Resolves with the answer's status; a 2xx is success. Throws WEBHOOK_REFUSED when a retry
 * cannot help (a forbidden address, a redirect, a 4xx) and WEBHOOK_FAILED when it may.
 */
export async function postWebhook(call: WebhookCall): Promise<{ status: number }> {
  const host = call.url.hostname.replace(/^\[(.*)\]$/, '$1');
  const address = await resolveAllowed(host, call.policy);
  const client = call.url.protocol === 'https:' ? https : http;
  const pinned: LookupFunction = (_name, options, callback) => {
    const family = ipaddr.parse(address).kind() === 'ipv6' ? 6 : 4;
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const signal = AbortSignal.timeout(call.timeoutMs ?? WEBHOOK_TIMEOUT_MS);
  const status = await new Promise<number>((resolve, reject) => {
    const request = client.request(
      call.url,
      {
        method: 'POST',
        headers: {
          ...call.headers,
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(call.body)),
          'User-Agent': 'FluxQuery-Webhook/1',
        },
        lookup: pinned,
        agent: false,
        signal,
      },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) response.destroy();
        });
        response.on('close', () => resolve(response.statusCode ?? 0));
        response.on('error', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', (error) =>
      reject(
        new AppError(
          'WEBHOOK_FAILED',
          signal.aborted
            ? `the callback did not answer within ${call.timeoutMs ?? WEBHOOK_TIMEOUT_MS} ms`
            : `the callback could not be reached (${describe(error)})`,
          { cause: error },
        ),
      ),
    );
    request.end(call.body);
  });
  if (status >= 200 && status < 300) return { status };
  if (status >= 300 && status < 400) {
    throw new AppError('WEBHOOK_REFUSED', `the callback answered ${status}, a redirect, which is not followed`);
  }
  if (status === 408 || status === 429 || status >= 500) {
    throw new AppError('WEBHOOK_FAILED', `the callback answered ${status}`);
  }
  throw new AppError('WEBHOOK_REFUSED', `the callback answered ${status}`);
}

async function resolveAllowed(host: string, policy: CallbackPolicy): Promise<string> {
  const addresses = ipaddr.isValid(host)
    ? [host]
    : await lookup(host, { all: true, verbatim: true }).then(
        (found) => found.map((entry) => entry.address),
        (error: unknown) => {
          throw new AppError(
            'WEBHOOK_FAILED',
            `the callback's host ${host} could not be resolved (${describe(error)})`,
            {
              cause: error,
            },
          );
        },
      );
  for (const address of addresses) {
    const reason = forbiddenAddressReason(address, policy);
    if (reason) {
      throw new AppError(
        'WEBHOOK_REFUSED',
        `the callback's host ${host} resolves to ${reason}, which callbacks may not reach`,
      );
    }
  }
  const [first] = addresses;
  if (!first) throw new AppError('WEBHOOK_FAILED', `the callback's host ${host} has no address`);
  return first;
}

function describe(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : String(error);
}
