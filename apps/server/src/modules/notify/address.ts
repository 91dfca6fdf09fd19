import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, isIPv4, isIPv6, type LookupFunction } from 'node:net';

/**
 * Where webhooks may go. A subscription is made by an institution's agent, so its URL must not
 * reach inside Tejido's own network (the cloud metadata service at 169.254.169.254, the
 * database, an admin port on localhost): unless TEJIDO_WEBHOOK_ALLOW_PRIVATE is on, a URL whose
 * host is a loopback, private, link-local, unique-local, unspecified or otherwise non-public
 * address — literally, or once its name is resolved — is refused. The deliverer connects to
 * the very addresses it checked (no second lookup that a DNS answer could change in between).
 */

/** Why a delivery to a non-public address was not made: the delivery log's last_error. */
export const PRIVATE_ADDRESS_REFUSAL = 'refused: private address';

type V4 = [number, number, number, number];

function parseV4(ip: string): V4 {
  return ip.split('.').map(Number) as V4;
}

/** The 8 hextets of a valid IPv6 address, a trailing dotted IPv4 part included. */
function parseV6(ip: string): number[] {
  let text = ip;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const [a, b, c, d] = parseV4(last);
    tail.push((a << 8) | b, (c << 8) | d);
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((h) => Number.parseInt(h, 16)));
  if (!text.includes('::')) return [...groups(text), ...tail];
  const [l = '', r = ''] = text.split('::');
  const left = groups(l);
  const right = [...groups(r), ...tail];
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function inV4(ip: V4, net: V4, bits: number): boolean {
  const n = (x: V4) => ((x[0] << 24) | (x[1] << 16) | (x[2] << 8) | x[3]) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (n(ip) & mask) >>> 0 === (n(net) & mask) >>> 0;
}

const V4_REFUSED: Array<[V4, number]> = [
  [[0, 0, 0, 0], 8], // "this network", 0.0.0.0 the unspecified address
  [[10, 0, 0, 0], 8], // private
  [[100, 64, 0, 0], 10], // shared address space (carrier NAT; some clouds' metadata services)
  [[127, 0, 0, 0], 8], // loopback
  [[169, 254, 0, 0], 16], // link-local (cloud metadata at 169.254.169.254)
  [[172, 16, 0, 0], 12], // private
  [[192, 0, 0, 0], 24], // IETF protocol assignments
  [[192, 168, 0, 0], 16], // private
  [[198, 18, 0, 0], 15], // benchmarking
  [[224, 0, 0, 0], 4], // multicast
  [[240, 0, 0, 0], 4], // reserved, and 255.255.255.255 broadcast
];

function refusedV4(ip: V4): boolean {
  return V4_REFUSED.some(([net, bits]) => inV4(ip, net, bits));
}

const v4Of = (hi: number, lo: number): V4 => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff];

function refusedV6(h: number[]): boolean {
  const zero = (from: number, to: number) => h.slice(from, to).every((x) => x === 0);
  const embedded = () => refusedV4(v4Of(h[6]!, h[7]!));
  // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
  if (zero(0, 6)) return (h[6] === 0 && h[7]! <= 1) || embedded();
  // IPv4-mapped ::ffff:a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d: the IPv4 address decides.
  if (zero(0, 5) && h[5] === 0xffff) return embedded();
  if (zero(0, 4) && h[4] === 0xffff && h[5] === 0) return embedded();
  // NAT64 64:ff9b::a.b.c.d reaches the IPv4 address; 64:ff9b:1::/48 is for local use.
  if (h[0] === 0x64 && h[1] === 0xff9b) return zero(2, 6) ? embedded() : true;
  // Only global unicast (2000::/3) is public: this refuses unique-local fc00::/7, link-local
  // fe80::/10, site-local fec0::/10, multicast ff00::/8, the discard prefix 100::/64…
  if ((h[0]! & 0xe000) !== 0x2000) return true;
  // …and inside it, 6to4 2002:a.b.c.d::/48 tunnels to the IPv4 address; Teredo (2001::/32) and
  // the documentation prefix (2001:db8::/32) are no receivers.
  if (h[0] === 0x2002) return refusedV4(v4Of(h[1]!, h[2]!));
  return h[0] === 0x2001 && (h[1] === 0 || h[1] === 0xdb8);
}

/**
 * Whether an IP address is one a webhook must not reach: loopback, private, link-local,
 * unique-local, unspecified, multicast or reserved, IPv4 addresses inside IPv6 ones included.
 * Anything that is not an IP address is refused too.
 * @example isPrivateAddress('169.254.169.254') // true
 * @example isPrivateAddress('::ffff:127.0.0.1') // true
 * @example isPrivateAddress('200.48.225.130') // false
 */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '').split('%')[0]!;
  if (isIPv4(ip)) return refusedV4(parseV4(ip));
  if (isIPv6(ip)) return refusedV6(parseV6(ip.toLowerCase()));
  return true;
}

/** A URL's host as a name or an address: no IPv6 brackets, no trailing dot, lower case. */
export function hostOf(url: URL): string {
  return url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.+$/, '')
    .toLowerCase();
}

/**
 * Why a webhook URL is refused at subscription time, or null: its host is `localhost` (or a
 * name under it) or a literal non-public address. Names that resolve to such addresses are
 * caught when delivering (resolveWebhookHost).
 */
export function webhookUrlRefusal(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Not a URL';
  }
  const host = hostOf(parsed);
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return 'localhost is not reachable from outside: give the receiver a public address';
  }
  if (isIP(host) !== 0 && isPrivateAddress(host)) {
    return 'A loopback, private, link-local or unspecified address is not allowed: give the receiver a public address';
  }
  return null;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** How names are resolved: dns.lookup with every address (tests give their own). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * The addresses to connect to for a URL's host: the literal address, or every address its name
 * resolves to. Null when one of them is not public and private addresses are not allowed.
 */
export async function resolveWebhookHost(
  url: URL,
  resolver: HostResolver,
  allowPrivate: boolean,
): Promise<ResolvedAddress[] | null> {
  const host = hostOf(url);
  const family = isIP(host);
  const addresses = family !== 0 ? [{ address: host, family }] : await resolver(host);
  if (addresses.length === 0) throw new Error(`no address for ${host}`);
  if (!allowPrivate && addresses.some((a) => isPrivateAddress(a.address))) return null;
  return addresses;
}

/** A socket lookup that answers with the addresses already checked, never asking DNS again. */
export function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
    const usable = addresses.filter((a) => wanted === 0 || a.family === wanted);
    const first = usable[0];
    if (!first) {
      callback(Object.assign(new Error('no address of the wanted family'), { code: 'ENOTFOUND' }), '', 0);
    } else if (options.all) {
      callback(null, usable);
    } else {
      callback(null, first.address, first.family);
    }
  };
}
