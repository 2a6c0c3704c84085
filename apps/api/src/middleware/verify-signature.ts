import { DEFAULT_KEY_ID, type ClientKey } from '@fluxquery/config';
import { AppError } from '@fluxquery/errors';
import { verifyRequest, type VerifyFailure } from '@fluxquery/signing';
import type { NextFunction, Request, Response } from 'express';
import type { RequestGuards } from '@fluxquery/coordination';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified caller; set by verifySignature. */
      client?: ClientKey;
    }
  }
}

const MESSAGES: Record<VerifyFailure, [AppError['code'], string]> = {
  'missing-headers': [
    'MISSING_SIGNATURE',
    'the request must carry X-Timestamp and X-Signature (and, for v2, X-Key-Id and X-Nonce) headers',
  ],
  'malformed-timestamp': ['INVALID_SIGNATURE', 'X-Timestamp must be unix time in whole seconds'],
  'timestamp-out-of-window': ['TIMESTAMP_OUT_OF_WINDOW', 'X-Timestamp is too far from the server clock'],
  'malformed-signature': ['INVALID_SIGNATURE', 'X-Signature must be 64 lowercase hex characters (v2: "v2=" and 64)'],
  'malformed-key-id': ['INVALID_SIGNATURE', 'X-Key-Id must be 1 to 64 of A-Z a-z 0-9 _ . -'],
  'malformed-nonce': ['INVALID_SIGNATURE', 'X-Nonce must be 16 to 128 of A-Z a-z 0-9 _ -'],
  'unknown-key': ['UNKNOWN_KEY', 'X-Key-Id names no active key'],
  'signature-mismatch': ['INVALID_SIGNATURE', 'the signature does not match the request'],
};

export interface SignatureOptions {
  clients: readonly ClientKey[];
  guards: RequestGuards;
  windowSeconds: number;
  now: () => number;
}

/**
 * v1 or v2, checked on the raw bytes before anything is parsed; then the replay guard, which only
 * ever sees requests whose MAC is valid, so that garbage cannot fill Redis. Without Redis the
 * request is refused (503): it is never let through unchecked.
 */
export function verifySignature(options: SignatureOptions) {
  const byId = new Map(options.clients.map((client) => [client.keyId, client]));
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const [path = '', query = ''] = splitUrl(req.originalUrl);
    const result = verifyRequest(
      {
        method: req.method,
        path,
        query,
        body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        headers: {
          timestamp: req.get('x-timestamp'),
          signature: req.get('x-signature'),
          keyId: req.get('x-key-id'),
          nonce: req.get('x-nonce'),
        },
      },
      {
        defaultKeyId: DEFAULT_KEY_ID,
        findSecrets: (keyId) => byId.get(keyId)?.secrets,
        nowSeconds: Math.floor(options.now() / 1000),
        windowSeconds: options.windowSeconds,
      },
    );
    if (!result.ok) {
      const [code, message] = MESSAGES[result.failure];
      return next(new AppError(code, message));
    }
    const isFirst = await options.guards
      // A timestamp is accepted while the clock's whole second is within ±window of it: 2×window + 1
      // seconds in all. The record must outlive the last of them, or a copy sent in the window's
      // final second is accepted a second time; one more second covers Redis's rounding.
      .rememberOnce(result.replayId, options.windowSeconds * 2 + 2)
      .catch((error: unknown) => {
        throw new AppError('SERVICE_UNAVAILABLE', 'the replay guard is unavailable; try again shortly', {
          cause: error,
        });
      });
    if (!isFirst) {
      return next(new AppError('REPLAYED_REQUEST', 'this signed request was already received; sign each request anew'));
    }
    req.client = byId.get(result.keyId);
    next();
  };
}

/** The path and the query string exactly as sent, split at the first `?`. */
function splitUrl(url: string): [string, string] {
  const at = url.indexOf('?');
  return at === -1 ? [url, ''] : [url.slice(0, at), url.slice(at + 1)];
}
