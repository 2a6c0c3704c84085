import express, { type Request, type Response, type Router } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import { parse } from 'yaml';

// docs/…, from the repository or from where the image copies them (/app/docs).
function findDoc(name: string): string | undefined {
  return [path.join(__dirname, '../../../../docs', name), path.join(process.cwd(), 'docs', name)].find((candidate) =>
    existsSync(candidate),
  );
}

/** The API's description, read once; undefined when the file is not there (then the routes 404). */
export function loadOpenApi(): object | undefined {
  const file = findDoc('openapi.yaml');
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

// A file of its own rather than an inline script, so the page works under helmet's CSP. Nothing
// can be tried from the page (requests must be signed), so the Authorize dialog and the lock
// icons, which would only collect a secret that nothing uses, are left out.
const START = `const hidden = () => () => null;
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#ui',
  supportedSubmitMethods: [],
  plugins: [() => ({ wrapComponents: { authorizeBtn: hidden, authorizeOperationBtn: hidden } })],
});`;

// The only files of swagger-ui-dist the page loads: not its demo index.html, its OAuth redirect
// page or its package.json.
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'css',
  'swagger-ui-bundle.js': 'js',
};

/**
 * GET /openapi.json (the document as JSON, naming this deployment's PUBLIC_URL as its server),
 * GET /docs (Swagger UI, served from our own origin), the signing guide it links to, and GET /,
 * which points a visitor there.
 */
export function openApiRoutes(document: object, publicUrl: string): Router {
  const served = { ...document, servers: [{ url: publicUrl, description: 'this deployment' }] };
  const signingGuide = findDoc('signing.md');
  const router = express.Router();
  router.get('/', (_req: Request, res: Response) => {
    res.json({ service: 'FluxQuery Export', docs: '/docs', openapi: '/openapi.json', signing: '/docs/signing.md' });
  });
  router.get('/openapi.json', (_req: Request, res: Response) => void res.json(served));
  router.get('/docs', (_req: Request, res: Response) => void res.type('html').send(PAGE));
  router.get('/docs/assets/start.js', (_req: Request, res: Response) => void res.type('js').send(START));
  for (const [name, type] of Object.entries(ASSETS)) {
    const file = path.join(getAbsoluteFSPath(), name);
    // (dotfiles: the package sits under node_modules/.pnpm.)
    router.get(`/docs/assets/${name}`, (_req: Request, res: Response) =>
      res.type(type).sendFile(file, { dotfiles: 'allow' }),
    );
  }
  if (signingGuide) {
    const text = readFileSync(signingGuide, 'utf8');
    router.get('/docs/signing.md', (_req: Request, res: Response) => void res.type('text/markdown').send(text));
  }
  return router;
}
