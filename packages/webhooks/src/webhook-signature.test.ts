import { readFileSync } from 'node:fs';
import path from 'node:path';
import { signV2, verifyRequest, verifyWebhook } from '@fluxquery/signing';
import { webhookHeaders } from './webhook-signature';

// The webhook vector in docs/signing-vectors.json, for receivers to check their code against.
const vectors = JSON.parse(readFileSync(path.join(__dirname, '../../../docs/signing-vectors.json'), 'utf8')) as {
  webhook: Record<string, string>[];
};
const vector = vectors.webhook[0];

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

  it('is no valid request to the api: the label differs, so a receiver cannot replay it to us', () => {
    if (!vector) throw new Error('docs/signing-vectors.json has no webhook vector');
    const url = new URL(`https://hooks.example.com${vector.path}?${vector.query}`);
    const fields = { keyId: vector.keyId!, url, body: vector.body!, event: 'export.completed', deliveryId: 'd-1' };
    const headers = webhookHeaders({
      secret: vector.secret!,
      ...fields,
      timestamp: vector.timestamp!,
      nonce: vector.nonce!,
    });
    const asRequest = verifyRequest(
      {
        method: 'POST',
        path: vector.path!,
        query: vector.query!,
        body: Buffer.from(vector.body!),
        headers: {
          timestamp: headers['X-Timestamp'],
          signature: headers['X-Signature'],
          keyId: headers['X-Key-Id'],
          nonce: headers['X-Nonce'],
        },
      },
      {
        defaultKeyId: 'default',
        findSecrets: () => [vector.secret!],
        nowSeconds: Number(vector.timestamp),
        windowSeconds: 300,
      },
    );
    expect(asRequest).toEqual({ ok: false, failure: 'signature-mismatch' });
    // And the other way: a request's signature is no webhook.
    const request = {
      secret: vector.secret!,
      keyId: vector.keyId!,
      method: 'POST',
      path: vector.path!,
      query: vector.query!,
      timestamp: vector.timestamp!,
      nonce: vector.nonce!,
      body: vector.body!,
    };
    const received = {
      url: `${vector.path}?${vector.query}`,
      headers: {
        'x-timestamp': vector.timestamp,
        'x-nonce': vector.nonce,
        'x-key-id': vector.keyId,
        'x-signature': signV2(request),
      },
      body: Buffer.from(vector.body!),
    };
    expect(verifyWebhook(received, [vector.secret!], { nowSeconds: Number(vector.timestamp) })).toEqual({
      ok: false,
      failure: 'signature-mismatch',
    });
  });

  it('verifies a webhook to a URL without a query string, now, by the clock', () => {
    const body = '{"status":"COMPLETED"}';
    const url = new URL('https://hooks.example.com/hooks/fluxquery');
    const headers = webhookHeaders({
      secret: 's-0123456789',
      keyId: 'billing',
      url,
      body,
      event: 'e',
      deliveryId: 'd',
    });
    const received = {
      url: '/hooks/fluxquery',
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
      body: Buffer.from(body),
    };
    expect(verifyWebhook(received, ['s-0123456789'])).toMatchObject({ ok: true, keyId: 'billing' });
    expect(verifyWebhook({ ...received, url: '/hooks/fluxquery?' }, ['s-0123456789'])).toMatchObject({ ok: true });
    expect(verifyWebhook({ ...received, url: '/hooks/fluxquery?x=1' }, ['s-0123456789'])).toMatchObject({ ok: false });
  });

  it('refuses a v1-shaped signature outright: webhooks are only ever signed with v2 fields', () => {
    const received = {
      url: '/hooks',
      headers: {
        'x-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-signature': 'a'.repeat(64),
        'x-key-id': 'billing',
      },
      body: Buffer.from('{}'),
    };
    expect(verifyWebhook(received, ['s-0123456789'])).toEqual({ ok: false, failure: 'malformed-signature' });
  });
});
