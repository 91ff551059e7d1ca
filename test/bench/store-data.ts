// A made-up city for bench:store: units with 20 checks each, every 30 s, with check outages,
// data-center link outages (which take the online services down with them) and agent silences,
// all from a seeded generator so every run stores the same data.
import type { Samples } from "../../collector/tsdb/chunk-codec.js";
import type { Category } from "../../shared/categories.js";

export const INTERVAL = 30_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface BenchCheck {
  name: string;
  category: Category;
  kind: string;
}

export const CHECKS: readonly BenchCheck[] = [
  { name: "gateway", category: "lan", kind: "ping" },
  { name: "core-sw", category: "lan", kind: "snmp" },
  { name: "access-sw", category: "lan", kind: "snmp" },
  { name: "wifi-ctl", category: "lan", kind: "ping" },
  { name: "host", category: "equipment", kind: "host" },
  { name: "printer", category: "equipment", kind: "snmp" },
  { name: "ups", category: "equipment", kind: "snmp" },
  { name: "dvc-portal", category: "online_app", kind: "http" },
  { name: "dns", category: "online_app", kind: "dns" },
  { name: "webmail", category: "online_app", kind: "http" },
  { name: "docs", category: "shared_software", kind: "http" },
  { name: "mail", category: "shared_software", kind: "tcp" },
  { name: "one-stop", category: "shared_software", kind: "http" },
  { name: "hr", category: "shared_software", kind: "process" },
  { name: "portal", category: "website", kind: "http" },
  { name: "news", category: "website", kind: "http" },
  { name: "search", category: "website", kind: "http" },
  { name: "dc-link", category: "datacenter", kind: "ping" },
  { name: "gov-net", category: "datacenter", kind: "ping" },
  { name: "dc-dns", category: "datacenter", kind: "dns" },
];
/** Down with the unit's link to the data center: it is where they are served from. */
const BEHIND_LINK = new Set<Category>(["datacenter", "online_app", "shared_software"]);

/** A small fast seeded generator (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A well-mixed 32-bit hash of three integers (murmur3's finalizer over a combination), for noise
 * that is the same in every run and has no pattern a compressor could find.
 */
export function hash(a: number, b: number, c: number): number {
  let h =
    Math.imul(a | 0, 0x9e3779b1) ^ Math.imul(b | 0, 0x85ebca77) ^ Math.imul(c | 0, 0xc2b2ae3d);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

type Spans = [number, number][];

function spans(
  rand: () => number,
  from: number,
  to: number,
  everyMs: number,
  minMs: number,
  maxMs: number,
): Spans {
  const out: Spans = [];
  for (let at = from + rand() * everyMs * 2; at < to; at += rand() * everyMs * 2) {
    const length = minMs + rand() * (maxMs - minMs);
    out.push([at, at + length]);
    at += length;
  }
  return out;
}

function inside(list: Spans, ts: number): boolean {
  // Lists are short (tens): a scan is fine.
  for (const [a, b] of list) if (ts >= a && ts < b) return true;
  return false;
}

export class City {
  readonly #outages: Spans[][] = [];
  readonly #link: Spans[] = [];
  readonly #silent: Spans[] = [];

  constructor(
    readonly units: number,
    from: number,
    readonly to: number,
  ) {
    const rand = random(42);
    for (let u = 0; u < units; u++) {
      // Each check fails about every three days for 2–30 minutes; the link every ten days for
      // 10–60 minutes; the agent goes silent about every fifteen days for 10–40 minutes.
      this.#outages.push(CHECKS.map(() => spans(rand, from, to, 3 * DAY, 2 * 60_000, 30 * 60_000)));
      this.#link.push(spans(rand, from, to, 10 * DAY, 10 * 60_000, HOUR));
      this.#silent.push(spans(rand, from, to, 15 * DAY, 10 * 60_000, 40 * 60_000));
    }
  }

  /** When check c of unit u first runs after a 30 s boundary: spread over the interval. */
  static offset(u: number, c: number): number {
    return (u * 7_919 + c * 1_499) % INTERVAL;
  }

  silent(u: number, ts: number): boolean {
    return inside(this.#silent[u] as Spans, ts);
  }

  up(u: number, c: number, ts: number): boolean {
    const check = CHECKS[c] as BenchCheck;
    if (BEHIND_LINK.has(check.category) && inside(this.#link[u] as Spans, ts)) return false;
    return !inside((this.#outages[u] as Spans[])[c] as Spans, ts);
  }

  /** The runs of check c of unit u in [from, to): time (ms, with a few ms of timer jitter), up, duration. */
  runs(
    u: number,
    c: number,
    from: number,
    to: number,
  ): { ts: number[]; up: boolean[]; duration: number[] } {
    const out = { ts: [] as number[], up: [] as boolean[], duration: [] as number[] };
    const offset = City.offset(u, c);
    for (let k = Math.ceil((from - offset) / INTERVAL); ; k++) {
      const planned = k * INTERVAL + offset;
      // Timers fire a few ms late, as the agent's do (its ts is Date.now() as a run starts).
      const ts = planned + (hash(k, u, c) % 4);
      if (ts >= to) break;
      if (ts < from || this.silent(u, planned)) continue;
      const up = this.up(u, c, planned);
      out.ts.push(ts);
      out.up.push(up);
      // A measured duration: noise, as performance.now() differences are.
      const wobble = hash(k, c + 1000, u) / 2 ** 32;
      out.duration.push(up ? 0.002 + 0.05 * wobble + c / 1e5 : 10 + wobble / 1e3);
    }
    return out;
  }

  /** Samples of one series for rollups of old days (whose raw samples are past retention). */
  samples(
    u: number,
    c: number,
    series: "up" | "duration" | "tls",
    from: number,
    to: number,
  ): Samples {
    const runs = this.runs(u, c, from, to);
    if (series === "up") return { ts: runs.ts, values: runs.up.map((up) => (up ? 1 : 0)) };
    if (series === "duration") return { ts: runs.ts, values: runs.duration };
    return { ts: runs.ts, values: runs.ts.map(() => this.certificateExpiry(u)) };
  }

  /** notAfter (s) of unit u's portal certificate: a few expired, some within the month. */
  certificateExpiry(u: number): number {
    return Math.floor(this.to / 1000) + ((u % 10) * 9 - 5) * 86_400;
  }
}
