// Validates docs/openapi.yaml as an OpenAPI 3.1 document; prints {"valid", "errors"} as JSON.
// A script of its own because the validator is an ES module, which Jest's CommonJS cannot load.
import { Validator } from '@seriousme/openapi-schema-validator';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const document = parse(readFileSync(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8'));
const result = await new Validator().validate(document);
process.stdout.write(JSON.stringify({ valid: result.valid, openapi: document.openapi, errors: result.errors ?? [] }));
