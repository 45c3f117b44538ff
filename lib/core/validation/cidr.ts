/** An address block, parsed. */
export interface ParsedCidr {
  readonly version: 4 | 6;
  /** The network address as an integer. */
  readonly network: bigint;
  readonly prefix: number;
  /** The text as given. */
  readonly text: string;
}

const ZERO = BigInt(0);
const ONE = BigInt(1);

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = ZERO;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    value = (value << BigInt(8)) + BigInt(Number(p));
  }
  return value;
}

function parseIPv6(text: string): bigint | undefined {
  let head = text;
  let v4Tail: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    v4Tail = parseIPv4(text.slice(lastColon + 1));
    if (v4Tail === undefined) return undefined;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...left, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = ZERO;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << BigInt(16)) + BigInt(parseInt(g, 16));
  }
  if (v4Tail !== undefined) value = (value >> BigInt(32) << BigInt(32)) + v4Tail;
  return value;
}

/**
 * Parses "10.0.0.0/8" or "fd00::/8". Returns a reason string when the text is not a CIDR
 * or has host bits set (10.0.0.1/8 is almost always a typo for 10.0.0.0/8).
 */
/** An IP address (IPv4 dotted decimal or IPv6, IPv4-mapped included) as a number, or undefined. */
export function parseAddress(text: string): { readonly version: 4 | 6; readonly value: bigint } | undefined {
  const version = text.includes(':') ? 6 : 4;
  const value = version === 4 ? parseIPv4(text) : parseIPv6(text);
  return value === undefined ? undefined : { version, value };
}

export function parseCidr(text: string): ParsedCidr | string {
  if (typeof text !== 'string') return 'not a string';
  const slash = text.indexOf('/');
  if (slash < 0) return 'a CIDR needs a prefix length, e.g. "/32" for one address';
  const addr = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const version = addr.includes(':') ? 6 : 4;
  const bits = version === 4 ? 32 : 128;
  const value = version === 4 ? parseIPv4(addr) : parseIPv6(addr);
  if (value === undefined) return `"${addr}" is not an IPv${version} address`;
  if (!/^(0|[1-9]\d{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
    return `the prefix length must be 0 to ${bits}`;
  }
  if (version === 6 && (value >> BigInt(32)) === BigInt(0xffff)) {
    return `an IPv4-mapped IPv6 address, which the API server refuses from Kubernetes 1.36 on: write it as IPv4, such as "${render(4, value & BigInt(0xffffffff))}/${Math.max(Number(prefixText) - 96, 0)}"`;
  }
  const prefix = Number(prefixText);
  const hostMask = (ONE << BigInt(bits - prefix)) - ONE;
  if ((value & hostMask) !== ZERO) {
    const network = value & ~hostMask;
    return `host bits are set; the network address is ${render(version, network)}/${prefix}`;
  }
  return { version, network: value, prefix, text };
}

/** An address as text: dotted decimal, or IPv6 in RFC 5952 form (lower case, the first longest run of 2+ zero groups as "::"). */
function render(version: 4 | 6, value: bigint): string {
  if (version === 4) {
    return [24, 16, 8, 0].map((s) => String(Number((value >> BigInt(s)) & BigInt(255)))).join('.');
  }
  const groups: number[] = [];
  for (let s = 112; s >= 0; s -= 16) groups.push(Number((value >> BigInt(s)) & BigInt(0xffff)));
  let start = -1;
  let length = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > length) { start = i; length = j - i; }
  }
  const hex = (g: number[]) => g.map((x) => x.toString(16)).join(':');
  return start < 0 ? hex(groups) : `${hex(groups.slice(0, start))}::${hex(groups.slice(start + length))}`;
}

/**
 * The API server's warning about a valid IPv6 CIDR not written in its canonical (RFC 5952) form,
 * such as "FD00::/8" or "fd00:0:0:0::/64" (Kubernetes 1.33 on); undefined for IPv4, a canonical
 * CIDR, or text that is not a CIDR.
 */
export function cidrFormWarning(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const parsed = parseCidr(text);
  if (typeof parsed === 'string' || parsed.version !== 6) return undefined;
  return formWarning('IPv6 CIDR value', text, `${render(6, parsed.network)}/${parsed.prefix}`);
}

/**
 * The API server's warning about a valid IPv6 address not written in its canonical (RFC 5952)
 * form, such as "FD00::1" or "fd00:0:0::1" (Kubernetes 1.33 on, on Service IPs, DNS nameservers
 * and host aliases); undefined for IPv4, a canonical address, or text that is not an address.
 */
export function ipFormWarning(text: unknown): string | undefined {
  if (typeof text !== 'string' || !text.includes(':') || ipProblem(text) !== undefined) return undefined;
  return formWarning('IPv6 address', text, render(6, parseIPv6(text)!));
}

function formWarning(what: string, text: string, canonical: string): string | undefined {
  if (canonical === text) return undefined;
  return `${JSON.stringify(text)} is not in canonical form; the API server warns "${what} should be in RFC 5952 canonical format": write ${JSON.stringify(canonical)}`;
}

/** Whether `inner` lies entirely inside `outer` (equal blocks included). */
export function cidrContains(outer: ParsedCidr, inner: ParsedCidr): boolean {
  if (outer.version !== inner.version || outer.prefix > inner.prefix) return false;
  const bits = outer.version === 4 ? 32 : 128;
  const shift = BigInt(bits - outer.prefix);
  return (inner.network >> shift) === (outer.network >> shift);
}

/**
 * Why `text` is not an IP address as the API server's strict validation reads one: IPv4 in
 * dotted decimal without leading zeros, or IPv6 (not an IPv4-mapped IPv6 address); undefined
 * when it is one.
 */
export function ipProblem(text: unknown): string | undefined {
  const shape = 'an IP address such as "10.0.0.1" or "fd00::1" (no leading zeros, no prefix length)';
  if (typeof text !== 'string' || text === '') return shape;
  if (text.includes(':')) {
    const value = parseIPv6(text);
    if (value === undefined) return shape;
    if ((value >> BigInt(32)) === BigInt(0xffff)) return `${shape}: write an IPv4-mapped address as plain IPv4`;
    return undefined;
  }
  return parseIPv4(text) === undefined ? shape : undefined;
}

/** Reports an IP address field: refused when it is not an address, a warning when it is IPv6 in a form that is not canonical. */
export function ipWithForm(field: string, ip: unknown, f: { bad(field: string, value: unknown, expected: string): void; say(field: string, message: string): void }): void {
  const problem = ipProblem(ip);
  if (problem) f.bad(field, ip, problem);
  else if (ipFormWarning(ip)) f.say(field, ipFormWarning(ip)!);
}

/** Ranges an endpoint address may not be in (ValidateEndpointIP), by family: [test, what the range is]. */
const ENDPOINT_RANGES: { readonly [family: number]: ReadonlyArray<[(v: bigint) => boolean, string]> } = {
  4: [
    [(v) => v === ZERO, 'unspecified address 0.0.0.0'],
    [(v) => (v >> BigInt(24)) === BigInt(127), 'loopback range 127.0.0.0/8'],
    [(v) => (v >> BigInt(16)) === BigInt(0xa9fe), 'link-local range 169.254.0.0/16'],
    [(v) => (v >> BigInt(8)) === BigInt(0xe00000), 'link-local multicast range 224.0.0.0/24'],
  ],
  6: [
    [(v) => v === ZERO, 'unspecified address ::'],
    [(v) => v === ONE, 'loopback address ::1'],
    [(v) => (v >> BigInt(118)) === BigInt(0x3fa), 'link-local range fe80::/10'],
    [(v) => ((v >> BigInt(112)) & BigInt(0xff0f)) === BigInt(0xff02), 'link-local multicast range ff02::/16'],
  ],
};

/**
 * Why `text` is not an address an EndpointSlice of that address family may list: an IP address
 * of the family (as ipProblem reads one), not unspecified, loopback or link-local; undefined
 * when it is one.
 */
export function endpointAddressProblem(text: unknown, family: 4 | 6): string | undefined {
  const shape = `an IPv${family} address of a pod or node, such as ${family === 4 ? '"10.0.0.1"' : '"fd00::1"'}`;
  if (ipProblem(text) !== undefined || (text as string).includes(':') !== (family === 6)) return `${shape} (no leading zeros, no prefix length)`;
  const value = family === 4 ? parseIPv4(text as string)! : parseIPv6(text as string)!;
  const range = ENDPOINT_RANGES[family].find(([inside]) => inside(value));
  return range && `${shape}, not the ${range[1]}`;
}
