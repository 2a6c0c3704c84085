import { AppError, isAppError } from '@fluxquery/errors';
import type { Logger } from '@fluxquery/logger';
import escapeHtml from 'escape-html';
import type { ErrorRequestHandler, Request, Response } from 'express';

interface HttpParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/** The one place an error becomes a response: `{"error": {"code", "message", "requestId"}}`, never a stack. */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = toAppError(error);
    if (appError.status >= 500) {
      logger.error('request.failed', {
        requestId: req.requestId,
        path: req.path,
        code: appError.code,
        error: describe(error),
      });
    } else {
      logger.info('request.refused', {
        requestId: req.requestId,
        method: req.method,
        path: req.path,
        code: appError.code,
      });
    }
    sendError(req, res, appError);
  };
}

function sendError(req: Request, res: Response, error: AppError): void {
  if (res.headersSent) return;
  const body: { code: string; message: string; requestId: string; details?: unknown } = {
    code: error.code,
    message: error.message,
    requestId: req.requestId,
  };
  if (error.details !== undefined) body.details = error.details;
  res.locals.errorCode = error.code;
  res.status(error.status);
  // A person who clicked a link in an email gets a page; every program gets the JSON shape.
  if (req.accepts(['json', 'html']) === 'html') {
    res.type('html').send(errorPage(error));
    return;
  }
  res.json({ error: body });
}

function errorPage(error: AppError): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${error.status} ${escapeHtml(error.code)}</title></head>` +
    `<body style="font-family:sans-serif;max-width:40em;margin:4em auto"><h1>${escapeHtml(error.message)}</h1>` +
    `<p>FluxQuery Export · ${error.status} ${escapeHtml(error.code)}</p></body></html>`
  );
}

function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  // body-parser's own errors: a too-large body, a bad charset, an aborted upload.
  const parserError = error as HttpParserError;
  if (parserError.type === 'entity.too.large')
    return new AppError('PAYLOAD_TOO_LARGE', 'the request body is too large');
  if (parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'the request body must be uncompressed UTF-8 JSON');
  }
  if (parserError.expose && parserError.status !== undefined && parserError.status < 500) {
    return new AppError('BAD_REQUEST', 'the request body could not be read');
  }
  return new AppError('INTERNAL', 'an internal error occurred', { cause: error });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
