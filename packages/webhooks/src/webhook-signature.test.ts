import { readFileSync } from 'node:fs';
import path from 'node:path';
import { verifyWebhook } from '@fluxquery/signing';
import { webhookHeaders } from './webhook-signature';

// The webhook vector in docs/signing-vectors.json, which every example signer also reproduces.
const vectors = JSON.parse(readFileSync(path.join(__dirname, '../../../docs/signing-vectors.json'), 'utf8')) as {
  v2: Record<string, string>[];
};
const vector = vectors.v2.find((v) => v.name?.startsWith('a webhook'));

describe('the webhook test vector', () => {
  it('is what a webhook to that URL carries, and what a receiver accepts', () => {
    if (!vector) throw new Error('docs/signing-vectors.json has no webhook vector');
    const url = new URL(`https://hooks.example.com${vector.path}?${vector.query}`);
    const headers = webhookHeaders({
      secret: vector.secret!,
      keyId: vector.keyId!,
      url,
      body: vector.body!,
      event: 'export.completed',
      deliveryId: 'd-1',
      timestamp: vector.timestamp!,
      nonce: vector.nonce!,
    });
    expect(headers['X-Signature']).toBe(vector.signature);
    const received = {
      url: `${vector.path}?${vector.query}`,
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
      body: Buffer.from(vector.body!),
    };
    const now = Number(vector.timestamp);
    expect(verifyWebhook(received, [vector.secret!], { nowSeconds: now })).toMatchObject({ ok: true });
    expect(verifyWebhook(received, [vector.secret!], { nowSeconds: now + 301 })).toEqual({
      ok: false,
      failure: 'timestamp-out-of-window',
    });
  });
});
