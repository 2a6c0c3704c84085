import { checkCallbackUrl } from './callback-url';
import { forbiddenAddressReason } from './address-policy';

const production = { requireHttps: true, allowLoopback: false };
const development = { requireHttps: false, allowLoopback: true };

const codeOf = (url: string, policy = production) => {
  try {
    checkCallbackUrl(url, policy);
    return 'OK';
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe('callback URLs at submit', () => {
  it.each([
    'https://hooks.example.com/fluxquery',
    'https://hooks.example.com:8443/a/b?c=d',
    'https://93.184.216.34/hook',
    'https://[2606:4700::1]/hook',
  ])('accepts %s', (url) => expect(codeOf(url)).toBe('OK'));

  it.each([
    ['http://hooks.example.com/', 'plain http in production'],
    ['ftp://hooks.example.com/', 'another scheme'],
    ['hooks.example.com/x', 'no scheme'],
    ['https://user:pw@hooks.example.com/', 'credentials'],
    ['https://127.0.0.1/', 'loopback'],
    ['https://2130706433/', 'loopback written as a number'],
    ['https://0x7f.1/', 'loopback written in hex'],
    ['https://localhost:8080/', 'a name that always means loopback'],
    ['https://app.localhost/', 'a .localhost name'],
    ['https://[::1]/', 'IPv6 loopback'],
    ['https://[::ffff:10.0.0.1]/', 'a private address inside IPv6'],
    ['https://10.1.2.3/', 'private (10/8)'],
    ['https://172.16.0.1/', 'private (172.16/12)'],
    ['https://192.168.0.10/', 'private (192.168/16)'],
    ['https://169.254.169.254/latest/meta-data/', 'the metadata address (link-local)'],
    ['https://metadata.google.internal/', 'a metadata name'],
    ['https://[fd00:ec2::254]/', 'the IPv6 metadata address (unique-local)'],
    ['https://[fe80::1]/', 'IPv6 link-local'],
    ['https://100.64.0.1/', 'carrier-grade NAT'],
    ['https://0.0.0.0/', 'unspecified'],
    ['https://224.0.0.1/', 'multicast'],
    [`https://example.com/${'a'.repeat(2100)}`, 'too long'],
  ])('refuses %s (%s) with 400', (url) => expect(codeOf(url)).toBe('INVALID_CALLBACK_URL'));

  it('allows plain http and loopback in development, and still refuses private and metadata addresses', () => {
    expect(codeOf('http://127.0.0.1:9000/hook', development)).toBe('OK');
    expect(codeOf('http://localhost:9000/hook', development)).toBe('OK');
    expect(codeOf('http://10.0.0.5/hook', development)).toBe('INVALID_CALLBACK_URL');
    expect(codeOf('http://169.254.169.254/', development)).toBe('INVALID_CALLBACK_URL');
  });

  it("holds a key to its allow-list: exact names, and subdomains of a '*.' entry", () => {
    const policy = { ...production, allowedHosts: ['hooks.example.com', '*.partner.test'] };
    expect(codeOf('https://hooks.example.com/x', policy)).toBe('OK');
    expect(codeOf('https://HOOKS.example.com./x', policy)).toBe('OK');
    expect(codeOf('https://a.b.partner.test/x', policy)).toBe('OK');
    expect(codeOf('https://partner.test/x', policy)).toBe('CALLBACK_NOT_ALLOWED');
    expect(codeOf('https://evilpartner.test/x', policy)).toBe('CALLBACK_NOT_ALLOWED');
    expect(codeOf('https://hooks.example.com.evil.test/x', policy)).toBe('CALLBACK_NOT_ALLOWED');
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

  it.each(['::808:808', '64:ff9b::808:808', '2002:808:808::1'])(
    '%s carries a public address, and is still no plain host',
    (address) => expect(forbiddenAddressReason(address, { allowLoopback: false })).toBeDefined(),
  );

  it.each(['[::a9fe:a9fe]', '[::7f00:1]', '[::ffff:7f00:1]', '[64:ff9b::a9fe:a9fe]', '[2002:a9fe:a9fe::]'])(
    'a callback URL to %s is refused at submit',
    (host) => expect(codeOf(`https://${host}/hook`, production)).toBe('INVALID_CALLBACK_URL'),
  );
});
