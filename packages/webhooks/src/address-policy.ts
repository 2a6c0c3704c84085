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
 * Why `address` may not be called back, or undefined when it may. IPv4-mapped IPv6 addresses
 * (`::ffff:10.0.0.1`) are judged as the IPv4 address they carry.
 */
export function forbiddenAddressReason(
  address: string,
  policy: Pick<CallbackPolicy, 'allowLoopback'>,
): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  const range = parsed.range();
  if (range === 'loopback' && policy.allowLoopback) return undefined;
  return PUBLIC_RANGES.has(range) ? undefined : `a ${range} address`;
}
