// Where a webhook may be sent: public addresses only in AWS, plus loopback in the local run. A hostname is
// resolved once, every address it has is vetted, and the connection is made to those addresses only, so a DNS
// answer that changes between the check and the connect (rebinding) cannot reach an internal address.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';

/** `aws`: public https destinations only. `local`: http or https, loopback allowed. */
export type EgressMode = 'aws' | 'local';

export type AddressClass =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unspecified'
  | 'multicast'
  | 'metadata'
  | 'reserved';

export type HostLookup = (hostname: string) => Promise<LookupAddress[]>;

export class EgressRefused extends Error {
  override name = 'EgressRefused';
}

const resolveAll: HostLookup = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

interface Range {
  prefix: number[];
  bits: number;
  kind: AddressClass;
}

const v4 = (cidr: string, kind: AddressClass): Range => {
  const [address, bits] = cidr.split('/') as [string, string];
  return { prefix: address.split('.').map(Number), bits: Number(bits), kind };
};
const v6 = (cidr: string, kind: AddressClass): Range => {
  const [address, bits] = cidr.split('/') as [string, string];
  return { prefix: ipv6Bytes(address) as number[], bits: Number(bits), kind };
};

// Cloud metadata endpoints first: they sit inside wider ranges and deserve the more precise name.
const IPV4_RANGES: Range[] = [
  v4('169.254.169.254/32', 'metadata'),
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'cgnat'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'reserved'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'),
];

const IPV6_RANGES: Range[] = [
  v6('fd00:ec2::254/128', 'metadata'),
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  // IPv4-compatible (deprecated) and the discard prefix reach nothing a webhook should.
  v6('::/96', 'reserved'),
  v6('100::/64', 'reserved'),
  v6('64:ff9b:1::/48', 'reserved'),
  v6('fc00::/7', 'private'),
  v6('fec0::/10', 'private'),
  v6('fe80::/10', 'link-local'),
  v6('ff00::/8', 'multicast'),
];

function inRange(bytes: number[], range: Range): boolean {
  let bits = range.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] as number) & mask) !== ((range.prefix[i] as number) & mask)) return false;
  }
  return true;
}

/** The 16 bytes of an IPv6 address (brackets and zone allowed), or undefined when it is not one. */
export function ipv6Bytes(text: string): number[] | undefined {
  const address = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(address) !== 6) return undefined;
  // A dotted IPv4 tail (::ffff:1.2.3.4) is the last two groups written differently.
  const hex = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) =>
    [((+a << 8) | +b).toString(16), ((+c << 8) | +d).toString(16)].join(':'),
  );
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const [left = '', right] = hex.split('::');
  const leftGroups = groups(left);
  const rightGroups = right === undefined ? [] : groups(right);
  const zeros = Array<number>(8 - leftGroups.length - rightGroups.length).fill(0);
  return [...leftGroups, ...zeros, ...rightGroups].flatMap((group) => [group >> 8, group & 0xff]);
}

/** What kind of non-public address this is, or null for a public one. */
export function classifyAddress(address: string): AddressClass | null {
  const version = isIP(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  if (version === 4) {
    const bytes = address.split('.').map(Number);
    return IPV4_RANGES.find((range) => inRange(bytes, range))?.kind ?? null;
  }
  if (version !== 6) throw new Error(`'${address}' is not an IP address`);
  const bytes = ipv6Bytes(address) as number[];
  // IPv4 carried in IPv6 (mapped, NAT64, 6to4) is judged as the IPv4 address it reaches.
  const embedded = (from: number) => bytes.slice(from, from + 4).join('.');
  if (inRange(bytes, v6('::ffff:0:0/96', 'reserved'))) return classifyAddress(embedded(12));
  if (inRange(bytes, v6('64:ff9b::/96', 'reserved'))) return classifyAddress(embedded(12));
  if (inRange(bytes, v6('2002::/16', 'reserved'))) return classifyAddress(embedded(2));
  return IPV6_RANGES.find((range) => inRange(bytes, range))?.kind ?? null;
}

function refusal(address: string, kind: AddressClass | null, mode: EgressMode): string | undefined {
  if (kind === null) return undefined;
  if (kind === 'loopback' && mode === 'local') return undefined;
  return `destination ${address} is a ${kind} address`;
}

/**
 * Checks that need no DNS: scheme, credentials, and literal addresses that are never a webhook (metadata,
 * link-local, unspecified, multicast). Used when a rule is saved; delivery applies the full policy again.
 */
export function webhookUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http and https URLs are allowed';
  if (url.username !== '' || url.password !== '') return 'credentials in the URL are not allowed';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) === 0) return undefined;
  const kind = classifyAddress(host);
  if (kind === 'metadata' || kind === 'link-local' || kind === 'unspecified' || kind === 'multicast')
    return `destination ${host} is a ${kind} address`;
  return undefined;
}

export interface Destination {
  url: URL;
  /** The vetted addresses to connect to; empty when the URL's host is itself an IP address. */
  addresses: LookupAddress[];
}

/**
 * Applies the egress policy to a URL: throws EgressRefused naming the reason, else answers the addresses the
 * connection must use. Every address a hostname resolves to must pass, not only the first.
 */
export async function vetDestination(
  text: string,
  mode: EgressMode,
  lookup: HostLookup = resolveAll,
): Promise<Destination> {
  const problem = webhookUrlProblem(text);
  if (problem) throw new EgressRefused(problem);
  const url = new URL(text);
  // Plain http would expose the signed record to anyone on the path; the local run has no certificates.
  if (mode === 'aws' && url.protocol !== 'https:') throw new EgressRefused('only https URLs are allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) {
    const refused = refusal(host, classifyAddress(host), mode);
    if (refused) throw new EgressRefused(refused);
    return { url, addresses: [] };
  }
  const addresses = await lookup(host);
  if (addresses.length === 0) throw new EgressRefused(`${host} resolves to no address`);
  for (const { address } of addresses) {
    const refused = refusal(address, classifyAddress(address), mode);
    if (refused) throw new EgressRefused(`${host}: ${refused}`);
  }
  return { url, addresses };
}
