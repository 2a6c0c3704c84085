import { execFileSync } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { ERROR_CODES } from '@fluxquery/errors';
import { createApiMetrics } from '@fluxquery/metrics';
import { createHarness, type Harness } from './harness';
import { checkAgainstOpenApi, OPENAPI } from './openapi-check';

// docs/openapi.yaml itself: a valid OpenAPI 3.1 document, served as JSON and as a page, and a
// checker (used on every answer the other end-to-end tests receive) that does fail on drift.
let harness: Harness;

beforeAll(async () => {
  harness = await createHarness('e2e_openapi');
});

afterAll(async () => {
  await harness.close();
});

const fake = (status: number, body: unknown, type = 'application/json') =>
  ({ status, body, headers: { 'content-type': type } }) as unknown as request.Response;

describe('docs/openapi.yaml', () => {
  it('is a valid OpenAPI 3.1 document', () => {
    const output = execFileSync(process.execPath, [path.join(__dirname, 'validate-openapi.mjs')], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ valid: true, openapi: '3.1.0', errors: [] });
  });

  it('is served at /openapi.json, and rendered at /docs from our own origin', async () => {
    const json = await request(harness.app).get('/openapi.json').expect(200);
    // The same document, naming this deployment (PUBLIC_URL) as its server.
    expect(json.body).toEqual({
      ...JSON.parse(JSON.stringify(OPENAPI)),
      servers: [{ url: 'http://fluxquery.test', description: 'this deployment' }],
    });
    checkAgainstOpenApi('GET', '/openapi.json', json);
    const page = await request(harness.app).get('/docs').expect(200).expect('Content-Type', /html/);
    checkAgainstOpenApi('GET', '/docs', page);
    expect(page.text).toContain('/docs/assets/swagger-ui-bundle.js');
    await request(harness.app)
      .get('/docs/assets/swagger-ui-bundle.js')
      .expect(200)
      .expect('Content-Type', /javascript/);
    await request(harness.app)
      .get('/docs/assets/start.js')
      .expect(200)
      .expect(/openapi\.json/);
  });

  it('serves only the files its page needs, and offers no Authorize dialog nothing could use', async () => {
    for (const file of ['index.html', 'oauth2-redirect.html', 'package.json', 'swagger-initializer.js', '../../x']) {
      const res = await request(harness.app).get(`/docs/assets/${file}`);
      expect([file, res.status]).toEqual([file, 404]);
      checkAgainstOpenApi('GET', `/docs/assets/${file}`, res);
    }
    await request(harness.app).get('/docs/assets/swagger-ui.css').expect(200).expect('Content-Type', /css/);
    const start = await request(harness.app).get('/docs/assets/start.js').expect(200);
    expect(start.text).toMatch(/authorizeBtn: hidden, authorizeOperationBtn: hidden/);
    expect(start.text).toMatch(/supportedSubmitMethods: \[\]/);
  });

  it('names every error code as an enum, the codes packages/errors reports', () => {
    const schemas = (OPENAPI as unknown as { components: { schemas: Record<string, { enum?: string[] }> } }).components
      .schemas;
    expect(schemas.ErrorCode?.enum).toEqual(Object.keys(ERROR_CODES));
  });

  it('links the signing guide, served beside the page, and points a visitor at / to the docs', async () => {
    expect((OPENAPI as unknown as { info: { description: string } }).info.description).toContain('(/docs/signing.md)');
    const guide = await request(harness.app)
      .get('/docs/signing.md')
      .expect(200)
      .expect('Content-Type', /markdown/);
    expect(guide.text).toMatch(/^# /);
    checkAgainstOpenApi('GET', '/docs/signing.md', guide);
    const root = await request(harness.app).get('/').expect(200);
    expect(root.body).toEqual({
      service: 'FluxQuery Export',
      docs: '/docs',
      openapi: '/openapi.json',
      signing: '/docs/signing.md',
    });
    checkAgainstOpenApi('GET', '/', root);
  });

  it('documents the operational routes as they answer', async () => {
    for (const url of ['/healthz', '/readyz']) {
      checkAgainstOpenApi('GET', url, await request(harness.app).get(url));
    }
  });

  it('documents /metrics', async () => {
    const metrics = createApiMetrics();
    const text = await metrics.registry.metrics();
    checkAgainstOpenApi('GET', '/metrics', fake(200, text, 'text/plain'));
  });

  it('fails an answer that drifts from the document: a field, a status, a route, a content type', () => {
    const status = { job_id: 'x', status: 'DONE' };
    expect(() => checkAgainstOpenApi('GET', '/export/x', fake(200, status))).toThrow(/does not match openapi.yaml/);
    expect(() => checkAgainstOpenApi('GET', '/export/x', fake(418, {}))).toThrow(/does not document 418/);
    expect(() => checkAgainstOpenApi('PUT', '/export/x', fake(200, {}))).toThrow(/does not document PUT/);
    expect(() => checkAgainstOpenApi('GET', '/healthz', fake(200, 'ok', 'text/plain'))).toThrow(/gives no text\/plain/);
    const error = { error: { code: 'NOT_FOUND', message: 'no', requestId: 'r', extra: 1 } };
    expect(() => checkAgainstOpenApi('GET', '/export/x', fake(404, error))).toThrow(/additional properties/);
  });
});
