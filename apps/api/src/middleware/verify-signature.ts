import { AppError } from '@fluxquery/errors';
import { verifyV1, type VerifyFailure } from '@fluxquery/signing';
import type { NextFunction, Request, Response } from 'express';

const MESSAGES: Record<VerifyFailure, [AppError['code'], string]> = {
  'missing-headers': ['MISSING_SIGNATURE', 'the request must carry X-Timestamp and X-Signature headers'],
  'malformed-timestamp': ['INVALID_SIGNATURE', 'X-Timestamp must be unix time in whole seconds'],
  'timestamp-out-of-window': ['TIMESTAMP_OUT_OF_WINDOW', 'X-Timestamp is too far from the server clock'],
  'malformed-signature': ['INVALID_SIGNATURE', 'X-Signature must be 64 hex characters'],
  'signature-mismatch': ['INVALID_SIGNATURE', 'the signature does not match the request'],
};

export interface SignatureOptions {
  secret: string;
  windowSeconds: number;
  now: () => number;
}

/** v1: HMAC-SHA256 over METHOD + PATH + BODY + TIMESTAMP, checked on the raw bytes before anything is parsed. */
export function verifySignature(options: SignatureOptions) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const result = verifyV1({
      secret: options.secret,
      method: req.method,
      path: req.originalUrl.split('?')[0] ?? '',
      body,
      timestampHeader: req.get('x-timestamp'),
      signatureHeader: req.get('x-signature'),
      nowSeconds: Math.floor(options.now() / 1000),
      windowSeconds: options.windowSeconds,
    });
    if (result.ok) return next();
    const [code, message] = MESSAGES[result.failure];
    next(new AppError(code, message));
  };
}
