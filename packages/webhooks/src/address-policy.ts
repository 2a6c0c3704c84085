import ipaddr from 'ipaddr.js';

/** Where callbacks may go: `https` only in production; loopback only in development. */
export interface CallbackPolicy {
  requireHttps: boolean;
  allowLoopback: boolean;
  /** The key's allowed_callback_hosts: exact names or `*.example.com`; absent: any public host. */
  allowedHosts?: readonly string[];
}

// ipaddr.js names every special-purpose range (IANA's registries); only plain unicast addresses
// (and, where allowed, loopback) may be called. Everything else (private, link-local, where cloud
// metadata services live, carrier-grade NAT, unique-local, multicast, reserved, documentation,
// 6to4/Teredo tunnels that embed an address) is refused.
const PUBLIC_RANGES = new Set(['unicast']);

/**
 * Why `address` may not be called back, or undefined when it may. An IPv6 address that carries an
 * IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, SIIT, NAT64
 * `64:ff9b::/96` and `64:ff9b:1::/48`, 6to4 `2002::/16`, Teredo's server and client) is refused when
 * any address it carries would be: a gateway or the host's own stack may deliver it there.
 */
export function forbiddenAddressReason(
  address: string,
  policy: Pick<CallbackPolicy, 'allowLoopback'>,
): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return judge(parsed, policy);
  const ipv6 = parsed as ipaddr.IPv6;
  for (const carried of carriedIPv4(ipv6)) {
    const reason = judge(carried, policy);
    if (reason) return `${reason} inside an IPv6 address (${carried.toString()})`;
  }
  // What carries a public IPv4 address is still a tunnel or a translator, never a plain host.
  if (ipv6.isIPv4MappedAddress()) return judge(ipv6.toIPv4Address(), policy);
  if (isIPv4Compatible(ipv6)) return 'an IPv4-compatible IPv6 address';
  // ::/8 is reserved by the IETF; ipaddr.js names only a few of its addresses (::, ::1, mapped).
  const range = ipv6.range();
  if ((ipv6.parts[0] ?? 0) < 0x100 && range !== 'loopback' && range !== 'unspecified') {
    return 'a reserved IPv6 address (::/8)';
  }
  return judge(ipv6, policy);
}

function judge(address: ipaddr.IPv4 | ipaddr.IPv6, policy: Pick<CallbackPolicy, 'allowLoopback'>): string | undefined {
  const range = address.range();
  if (range === 'loopback' && policy.allowLoopback) return undefined;
  return PUBLIC_RANGES.has(range) ? undefined : `a ${range} address`;
}

/** The IPv4 addresses an IPv6 address carries by one of the standard embeddings; none for a plain one. */
function carriedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const parts = address.parts;
  const word = (i: number): number => parts[i] ?? 0;
  const v4 = (high: number, low: number) =>
    ipaddr.fromByteArray([high >> 8, high & 0xff, low >> 8, low & 0xff]) as ipaddr.IPv4;
  const isZero = (from: number, to: number) => parts.slice(from, to).every((part) => part === 0);
  const last = v4(word(6), word(7));
  if (isZero(0, 5) && word(5) === 0xffff) return [last]; // ::ffff:0:0/96, mapped
  if (isZero(0, 4) && word(4) === 0xffff && word(5) === 0) return [last]; // ::ffff:0:0:0/96, SIIT
  if (isIPv4Compatible(address)) return [last]; // ::/96, compatible (deprecated)
  if (word(0) === 0x64 && word(1) === 0xff9b && (isZero(2, 6) || word(2) === 1)) return [last]; // NAT64
  if (word(0) === 0x2002) return [v4(word(1), word(2))]; // 6to4
  if (word(0) === 0x2001 && word(1) === 0) return [v4(word(2), word(3)), v4(~word(6) & 0xffff, ~word(7) & 0xffff)]; // Teredo
  return [];
}

/** `::a.b.c.d`, but not `::` or `::1`, which have names of their own. */
function isIPv4Compatible(address: ipaddr.IPv6): boolean {
  const parts = address.parts;
  return parts.slice(0, 6).every((part) => part === 0) && ((parts[6] ?? 0) !== 0 || (parts[7] ?? 0) > 1);
}
