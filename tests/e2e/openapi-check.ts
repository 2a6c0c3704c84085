import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Response } from 'supertest';
import { parse } from 'yaml';

// Every answer the end-to-end tests receive through the harness is checked against
// docs/openapi.yaml (JSON Schema 2020-12, as OpenAPI 3.1 uses it), so the document cannot drift
// from the code: an undocumented route, status, content type or field fails the test that met it.
export const OPENAPI = parse(readFileSync(path.join(__dirname, '../../docs/openapi.yaml'), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, Reference | ResponseObject> }>>;
  components: Record<string, Record<string, unknown>>;
};
interface Reference {
  $ref: string;
}
interface ResponseObject {
  content?: Record<string, { schema?: unknown }>;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...OPENAPI, $id: 'openapi' });

const ROUTES = Object.keys(OPENAPI.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

const resolve = (value: Reference | ResponseObject): ResponseObject => {
  if (!('$ref' in value)) return value;
  const [, group, name] = /^#\/components\/(\w+)\/(.+)$/.exec(value.$ref) ?? [];
  return OPENAPI.components[group!]![name!] as ResponseObject;
};

/** Throws, with the reason, when `res` is not what docs/openapi.yaml says `method url` answers. */
export function checkAgainstOpenApi(method: string, url: string, res: Response): void {
  const pathOnly = url.split('?')[0] ?? '';
  const route = ROUTES.find((candidate) => candidate.pattern.test(pathOnly));
  const operation = route && OPENAPI.paths[route.template]?.[method.toLowerCase()];
  if (!route || !operation) {
    // Any other path: 404 with the one error shape, as the document's description says.
    const validateError = ajv.getSchema('openapi#/components/schemas/Error')!;
    if (res.status === 404 && validateError(res.body)) return;
    throw new Error(`openapi.yaml does not document ${method} ${pathOnly} (answered ${res.status})`);
  }
  const documented = operation.responses[String(res.status)] ?? operation.responses.default;
  if (!documented) throw new Error(`openapi.yaml does not document ${res.status} for ${method} ${route.template}`);
  const response = resolve(documented);
  if (!response.content || method === 'HEAD' || res.status === 304) return;
  const type = String(res.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  const media = response.content[type];
  if (!media) {
    throw new Error(`openapi.yaml gives no ${type || 'body'} for ${res.status} ${method} ${route.template}`);
  }
  if (type !== 'application/json') return;
  const pointer = `openapi#/paths/${route.template.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${res.status}`;
  const schemaRef =
    '$ref' in documented
      ? `openapi${documented.$ref}/content/application~1json/schema`
      : `${pointer}/content/application~1json/schema`;
  const validate = ajv.getSchema(schemaRef) ?? ajv.compile({ $ref: schemaRef });
  if (!validate(res.body)) {
    const problems = ajv.errorsText(validate.errors, { separator: '; ' });
    throw new Error(
      `${method} ${pathOnly} → ${res.status} does not match openapi.yaml: ${problems}\n${JSON.stringify(res.body)}`,
    );
  }
}
