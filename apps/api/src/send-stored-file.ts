import { contentDisposition, type ByteRange, type Storage } from '@fluxquery/storage';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import parseRange from 'range-parser';

export interface FileToSend {
  key: string;
  bytes: number;
  sha256: string;
  fileName: string;
  contentType: string;
}

/**
 * Streams a stored file with what download managers and resuming clients rely on: Content-Length,
 * an ETag from the sha256, conditional GET (304) and one byte range (206, or 416). A request for
 * several ranges gets the whole file, as RFC 9110 allows.
 */
export async function sendStoredFile(req: Request, res: Response, storage: Storage, file: FileToSend): Promise<void> {
  const etag = `"${file.sha256}"`;
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Disposition', contentDisposition(file.fileName));
  res.setHeader('ETag', etag);
  res.setHeader('Accept-Ranges', 'bytes');
  if (
    req
      .get('if-none-match')
      ?.split(/\s*,\s*/)
      .includes(etag)
  ) {
    res.status(304).end();
    return;
  }
  const range = pickRange(req, file.bytes, etag);
  if (range === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${file.bytes}`);
    res.removeHeader('Content-Type');
    res.removeHeader('Content-Disposition');
    res.status(416).end();
    return;
  }
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.bytes}`);
  }
  const length = range ? range.end - range.start + 1 : file.bytes;
  res.setHeader('Content-Length', String(length));
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    return;
  }
  const stream = await storage.openRead(file.key, range);
  // A client that goes away mid-download ends the pipeline; there is nobody left to answer.
  await pipeline(stream, res).catch(() => undefined);
}

function pickRange(req: Request, size: number, etag: string): ByteRange | 'unsatisfiable' | undefined {
  const header = req.get('range');
  if (!header || size === 0) return undefined;
  // If-Range: a client resuming an older version of the file gets the whole new one.
  const ifRange = req.get('if-range');
  if (ifRange && ifRange !== etag) return undefined;
  const ranges = parseRange(size, header, { combine: true });
  if (ranges === -1) return 'unsatisfiable';
  if (ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) return undefined;
  const [only] = ranges;
  return only ? { start: only.start, end: only.end } : undefined;
}
