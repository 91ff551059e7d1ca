// IPv4 networks as discovery takes them: CIDR text, at most a /22 each (1,024 addresses), and the
// test of whether an address lies inside one. Shared: the collector refuses a network a unit does not
// own with the same reading the agent sweeps it with.

/** The largest network one entry may name: a /22 is 1,024 addresses, a sweep of minutes. */
export const MAX_PREFIX_BITS = 22;

export interface Network {
  /** The network's first address as a 32-bit number. */
  base: number;
  bits: number;
  text: string;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function ipv4ToNumber(address: string): number | undefined {
  const parts = address.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

export function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** The network of a CIDR text, or why it is not one discovery may take. */
export function parseNetwork(text: string): Network | string {
  const match = CIDR.exec(text.trim());
  if (!match) return `"${text}" is not an IPv4 network in CIDR form such as 10.20.1.0/24`;
  const bits = Number(match[5]);
  const address = ipv4ToNumber(match.slice(1, 5).join("."));
  if (address === undefined || bits > 32) return `"${text}" is not a valid IPv4 network`;
  if (bits < MAX_PREFIX_BITS) {
    return `"${text}" is larger than a /${MAX_PREFIX_BITS} (1,024 addresses); split it into /${MAX_PREFIX_BITS} or smaller networks`;
  }
  const size = 2 ** (32 - bits);
  if (address % size !== 0) {
    return `"${text}" has host bits set; the network is ${numberToIpv4(address - (address % size))}/${bits}`;
  }
  return { base: address, bits, text: `${numberToIpv4(address)}/${bits}` };
}

export function networkSize(network: Network): number {
  return 2 ** (32 - network.bits);
}

export function contains(network: Network, address: string): boolean {
  const value = ipv4ToNumber(address);
  return (
    value !== undefined && value >= network.base && value < network.base + networkSize(network)
  );
}

/** True when every address of `inner` lies in `outer`. */
export function within(inner: Network, outer: Network): boolean {
  return (
    inner.bits >= outer.bits &&
    inner.base >= outer.base &&
    inner.base + networkSize(inner) <= outer.base + networkSize(outer)
  );
}

/** The addresses a sweep pings: all but the network and broadcast addresses below a /31. */
export function hostAddresses(network: Network): string[] {
  const size = networkSize(network);
  const out: string[] = [];
  const [first, last] = size <= 2 ? [0, size - 1] : [1, size - 2];
  for (let i = first; i <= last; i++) out.push(numberToIpv4(network.base + i));
  return out;
}
