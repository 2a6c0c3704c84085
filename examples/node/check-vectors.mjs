// Checks sign.mjs against docs/signing-vectors.json. Usage: node examples/node/check-vectors.mjs
import { readFileSync } from 'node:fs';
import { signV1, signV2 } from './sign.mjs';

const vectors = JSON.parse(readFileSync(new URL('../../docs/signing-vectors.json', import.meta.url), 'utf8'));
let failed = 0;
for (const [scheme, sign] of [
  ['v1', signV1],
  ['v2', signV2],
]) {
  for (const vector of vectors[scheme]) {
    const got = sign(vector);
    const ok = got === vector.signature;
    if (!ok) failed += 1;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${scheme} ${vector.name}${ok ? '' : `: ${got}`}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
