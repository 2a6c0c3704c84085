import express, { type Request, type Response, type Router } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import { parse } from 'yaml';

// docs/openapi.yaml, from the repository or from where the image copies it (/app/docs).
const CANDIDATES = [
  path.join(__dirname, '../../../../docs/openapi.yaml'),
  path.join(process.cwd(), 'docs/openapi.yaml'),
];

/** The API's description, read once; undefined when the file is not there (then the routes 404). */
export function loadOpenApi(): object | undefined {
  const file = CANDIDATES.find((candidate) => existsSync(candidate));
  return file ? (parse(readFileSync(file, 'utf8')) as object) : undefined;
}

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>FluxQuery Export API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/start.js"></script>
</body></html>`;

// A file of its own rather than an inline script, so the page works under helmet's CSP.
const START = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', supportedSubmitMethods: [] });`;

/** GET /openapi.json (the document as JSON) and GET /docs (Swagger UI, served from our own origin). */
export function openApiRoutes(document: object): Router {
  const router = express.Router();
  router.get('/openapi.json', (_req: Request, res: Response) => void res.json(document));
  router.get('/docs', (_req: Request, res: Response) => void res.type('html').send(PAGE));
  router.get('/docs/assets/start.js', (_req: Request, res: Response) => void res.type('js').send(START));
  router.use('/docs/assets', express.static(getAbsoluteFSPath(), { index: false, fallthrough: false }));
  return router;
}
