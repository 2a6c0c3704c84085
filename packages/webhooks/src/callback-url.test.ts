import { checkCallbackUrl } from './callback-url';
import { forbiddenAddressReason } from './address-policy';

const production = { requireHttps: true, allowLoopback: false };
const development = { requireHttps: false, allowLoopback: true };

const codeOf = (url: string, policy = production) => outcomeOf(url, policy).split(':')[0];
/** `OK`, or the code and the message the caller reads. */
const outcomeOf = (url: string, policy = production) => {
  try {
    checkCallbackUrl(url, policy);
    return 'OK';
  } catch (error) {
    return `${(error as { code: string }).code}: ${(error as Error).message}`;
  }
};

describe('callback URLs at submit', () => {
  it.each([
    'https://hooks.example.com/fluxquery',
    'https://hooks.example.com:8443/a/b?c=d',
    'https://93.184.216.34/hook',
    'https://[2606:4700::1]/hook',
    // Names that merely contain "localhost".
    'https://mylocalhost/hook',
    'https://localhost.example.com/hook',
    `https://example.com/${'a'.repeat(2048 - 'https://example.com/'.length)}`,
  ])('accepts %s', (url) => expect(outcomeOf(url)).toBe('OK'));

  // Each refusal says why, in words the caller can act on.
  it.each([
    ['http://hooks.example.com/', /must be an https URL in production$/],
    ['ftp://hooks.example.com/', /must be an https URL/],
    ['hooks.example.com/x', /is not an absolute URL$/],
    ['https://user:pw@hooks.example.com/', /must not carry a user name or password$/],
    ['https://user@hooks.example.com/', /must not carry a user name or password$/],
    ['https://:pw@hooks.example.com/', /must not carry a user name or password$/],
    ['https://127.0.0.1/', /points to a loopback address, which callbacks may not reach$/],
    ['https://2130706433/', /points to a loopback address/],
    ['https://0x7f.1/', /points to a loopback address/],
    ['https://localhost:8080/', /points to this machine, which callbacks may not reach$/],
    ['https://localhost.localdomain/', /points to this machine/],
    ['https://app.localhost/', /points to this machine/],
    ['https://[::1]/', /points to a loopback address/],
    ['https://[::ffff:10.0.0.1]/', /points to a private address inside an IPv6 address \(10\.0\.0\.1\)/],
    ['https://10.1.2.3/', /points to a private address/],
    ['https://172.16.0.1/', /points to a private address/],
    ['https://192.168.0.10/', /points to a private address/],
    ['https://169.254.169.254/latest/meta-data/', /points to a linkLocal address/],
    ['https://metadata.google.internal/', /points to a cloud metadata service, which callbacks may not reach$/],
    ['https://metadata/', /points to a cloud metadata service/],
    ['https://instance-data/', /points to a cloud metadata service/],
    ['https://instance-data.ec2.internal/', /points to a cloud metadata service/],
    ['https://[fd00:ec2::254]/', /points to a uniqueLocal address/],
    ['https://[fe80::1]/', /points to a linkLocal address/],
    ['https://100.64.0.1/', /points to a carrierGradeNat address/],
    ['https://0.0.0.0/', /points to a unspecified address/],
    ['https://224.0.0.1/', /points to a multicast address/],
    [`https://example.com/${'a'.repeat(2100)}`, /must be at most 2048 characters$/],
  ])('refuses %s with 400 and says why', (url, why) => {
    const outcome = outcomeOf(url);
    expect(outcome).toMatch(/^INVALID_CALLBACK_URL: "callback_url" /);
    expect(outcome).toMatch(why);
  });

  it('allows plain http and loopback in development, and still refuses private and metadata addresses', () => {
    expect(codeOf('http://127.0.0.1:9000/hook', development)).toBe('OK');
    expect(codeOf('http://localhost:9000/hook', development)).toBe('OK');
    expect(codeOf('http://10.0.0.5/hook', development)).toBe('INVALID_CALLBACK_URL');
    expect(codeOf('http://169.254.169.254/', development)).toBe('INVALID_CALLBACK_URL');
    expect(outcomeOf('ftp://127.0.0.1/hook', development)).toMatch(/must be an https URL$/);
  });

  it("holds a key to its allow-list: exact names, and subdomains of a '*.' entry", () => {
    const policy = { ...production, allowedHosts: ['hooks.example.com', '*.partner.test'] };
    expect(codeOf('https://hooks.example.com/x', policy)).toBe('OK');
    expect(codeOf('https://HOOKS.example.com./x', policy)).toBe('OK');
    expect(codeOf('https://a.b.partner.test/x', policy)).toBe('OK');
    expect(codeOf('https://partner.test/x', policy)).toBe('CALLBACK_NOT_ALLOWED');
    expect(codeOf('https://evilpartner.test/x', policy)).toBe('CALLBACK_NOT_ALLOWED');
    expect(codeOf('https://hooks.example.com.evil.test/x', policy)).toBe('CALLBACK_NOT_ALLOWED');
    expect(codeOf('https://xhooks.example.com/x', policy)).toBe('CALLBACK_NOT_ALLOWED');
    expect(codeOf('https://a.partner.test/x', policy)).toBe('OK');
    expect(outcomeOf('https://.partner.test/x', policy)).toBe(
      'CALLBACK_NOT_ALLOWED: callbacks of this key may not go to .partner.test',
    );
  });
});

describe('addresses a callback may reach', () => {
  it.each(['8.8.8.8', '2606:4700::1'])('%s is public', (address) =>
    expect(forbiddenAddressReason(address, { allowLoopback: false })).toBeUndefined(),
  );
  it.each([
    '127.0.0.1',
    '::1',
    '10.0.0.1',
    '169.254.169.254',
    'fd00:ec2::254',
    '::ffff:192.168.1.1',
    '192.0.2.1',
    '64:ff9b::a00:1',
  ])('%s is not', (address) => expect(forbiddenAddressReason(address, { allowLoopback: false })).toMatch(/^a /));

  // Every standard way of carrying an IPv4 address in an IPv6 one, around the metadata address,
  // loopback and a private address, in several notations each.
  it.each([
    ['::a9fe:a9fe', '169.254.169.254'],
    ['::169.254.169.254', '169.254.169.254'],
    ['0:0:0:0:0:0:a9fe:a9fe', '169.254.169.254'],
    ['::7f00:1', '127.0.0.1'],
    ['::127.0.0.1', '127.0.0.1'],
    ['::ffff:a9fe:a9fe', '169.254.169.254'],
    ['::ffff:169.254.169.254', '169.254.169.254'],
    ['0:0:0:0:0:ffff:7f00:1', '127.0.0.1'],
    ['::ffff:0:a9fe:a9fe', '169.254.169.254'],
    ['64:ff9b::a9fe:a9fe', '169.254.169.254'],
    ['64:ff9b::169.254.169.254', '169.254.169.254'],
    ['64:ff9b:1::a00:1', '10.0.0.1'],
    ['2002:a9fe:a9fe::1', '169.254.169.254'],
    ['2002:7f00:1::', '127.0.0.1'],
    ['2001:0:a9fe:a9fe::1', '169.254.169.254'],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', '10.0.0.1'],
  ])('%s carries %s, and is refused for it', (address, carried) => {
    expect(forbiddenAddressReason(address, { allowLoopback: false })).toContain(`inside an IPv6 address (${carried})`);
    // Loopback allowed (development) lets no other range through inside IPv6.
    if (carried !== '127.0.0.1') expect(forbiddenAddressReason(address, { allowLoopback: true })).toBeDefined();
  });

  it.each([
    ['not-an-address', 'not an IP address'],
    ['::808:808', 'an IPv4-compatible IPv6 address'],
    ['::2', 'a unspecified address inside an IPv6 address (0.0.0.2)'],
    ['::', 'a unspecified address'],
    ['::1:a9fe:a9fe', 'a reserved IPv6 address (::/8)'],
    ['::1:0:a9fe:a9fe', 'a reserved IPv6 address (::/8)'],
    ['::ffff:1:a9fe:a9fe', 'a reserved IPv6 address (::/8)'],
    ['64:1::a9fe:a9fe', 'a reserved IPv6 address (::/8)'],
    ['64:ff9b:5::a9fe:a9fe', 'a reserved IPv6 address (::/8)'],
    ['2001:5:a9fe:a9fe::1', 'a reserved address'],
    ['100::1', 'a discard address'],
  ])('%s: %s', (address, reason) => expect(forbiddenAddressReason(address, { allowLoopback: false })).toBe(reason));

  // Public hosts whose words look like an embedding's, in the wrong place.
  it.each([
    '::ffff:8.8.8.8',
    '2606:4700::ffff:a9fe:a9fe',
    '2606::ffff:0:a9fe:a9fe',
    '2606:ff9b::a9fe:a9fe',
    '2606:0:a9fe:a9fe::1',
  ])('%s is public', (address) => expect(forbiddenAddressReason(address, { allowLoopback: false })).toBeUndefined());

  it('lets IPv6 loopback through where loopback is allowed, as IPv4 loopback', () => {
    expect(forbiddenAddressReason('::1', { allowLoopback: true })).toBeUndefined();
    expect(forbiddenAddressReason('::ffff:127.0.0.1', { allowLoopback: true })).toBeUndefined();
  });

  it.each(['::808:808', '64:ff9b::808:808', '2002:808:808::1'])(
    '%s carries a public address, and is still no plain host',
    (address) => expect(forbiddenAddressReason(address, { allowLoopback: false })).toBeDefined(),
  );

  it.each(['[::a9fe:a9fe]', '[::7f00:1]', '[::ffff:7f00:1]', '[64:ff9b::a9fe:a9fe]', '[2002:a9fe:a9fe::]'])(
    'a callback URL to %s is refused at submit',
    (host) => expect(codeOf(`https://${host}/hook`, production)).toBe('INVALID_CALLBACK_URL'),
  );
});
