// Hostile agent input for the fuzz test: frames (malformed, truncated, oversized, deeply nested,
// wrong-typed, spoofing another unit; names and labels the metric table does not declare or that
// belong to Prometheus or the collector; timestamps far ahead of the clock and clocks far off; many
// new series at once) and upgrade requests. The answer each must get is in fuzz-model.ts.
//
// Timestamps are drawn relative to the moment a frame is sent (`relative`), and a frame is built
// when it is sent (`Frame.build(now, nextSeq)`): the rules about time (a clock more than 60 s off,
// a timestamp more than 2 minutes ahead) are then exact, however long the run takes. So are most
// seqs, relative to the next one the agent's collector expects: most batches are then stored (and
// judged sample by sample) rather than acknowledged as duplicates.
import fc from "fast-check";
import { CATEGORIES } from "../../shared/categories.js";
import { METRIC_BY_NAME, METRICS } from "../../shared/metrics.js";
import { MAX_FRAME_BYTES, MAX_TS } from "../../shared/protocol.js";

/** Strings an attacker would try: other units' ids, SQL, control characters, reserved names. */
const SPICY = [
  "quan-hai-chau",
  "so-tttt",
  "unit",
  "agent",
  "'); DROP TABLE samples; --",
  '" OR 1=1 --',
  "\u0000",
  "\u001b[31m",
  "\ud800",
  "Sở Thông tin",
  "x".repeat(300),
  "__proto__",
  "constructor",
  METRICS.checkUp.name,
  METRICS.agentConnected.name,
  "giamsat_ping_rtt_seconds",
  "giamsat_collector_process_resident_memory_bytes",
  "__name__",
  "Unit",
];
const spicy = fc.oneof(fc.constantFrom(...SPICY), fc.string({ maxLength: 30 }));
/** Mostly what the schema takes, sometimes anything: so that many messages are stored. */
const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 9, arbitrary: valid }, { weight: 1, arbitrary: spicy });
/** Label values and messages that are valid yet name the other unit, or are SQL, or control codes. */
const text = fc.oneof(
  fc.constantFrom(...SPICY.filter((t) => t.length <= 256), "v".repeat(200)),
  fc.string({ maxLength: 30 }),
);
const DAY = 86_400_000;
/** An object standing for the time of sending plus `ms`, until `Frame.build` resolves it. */
const RELATIVE = "__ms_from_now__";
const relative = (ms: number) => ({ [RELATIVE]: ms });
/** An object standing for the next seq the collector expects plus `n`. */
const NEXT_SEQ = "__seq_from_next__";
const seq = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }).map((n) => ({ [NEXT_SEQ]: n })) },
  fc.integer({ min: -3, max: -1 }).map((n) => ({ [NEXT_SEQ]: n })),
  fc.integer({ min: 1, max: 1_000_000 }),
);
/** Mostly the recent past; sometimes ahead of the clock, by minutes or up to the year 2199. */
const ts = fc
  .oneof(
    { weight: 8, arbitrary: fc.integer({ min: -DAY, max: 60_000 }) },
    fc.integer({ min: 300_000, max: 2 * DAY }),
    fc.integer({ min: 2 * DAY, max: MAX_TS - Date.now() - 2 * DAY }),
  )
  .map(relative);
/** sentAt: a right clock (within 20 s), or one off by minutes to a day, either way. */
const sentAt = fc
  .oneof(
    { weight: 3, arbitrary: fc.integer({ min: -20_000, max: 20_000 }) },
    fc.integer({ min: -DAY, max: -120_000 }),
    fc.integer({ min: 120_000, max: DAY }),
  )
  .map(relative);

/** Replaces every relative timestamp and seq in `value` by `now` or `nextSeq` plus its offset. */
function resolve(value: unknown, now: number, nextSeq: number): unknown {
  if (Array.isArray(value)) return value.map((item) => resolve(item, now, nextSeq));
  if (typeof value !== "object" || value === null) return value;
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  if (keys.length === 1 && keys[0] === RELATIVE) return now + (record[RELATIVE] as number);
  if (keys.length === 1 && keys[0] === NEXT_SEQ) return nextSeq + (record[NEXT_SEQ] as number);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    Object.defineProperty(out, key, {
      value: resolve(record[key], now, nextSeq),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

const asText = (message: unknown) => (now: number, nextSeq: number) =>
  JSON.stringify(resolve(message, now, nextSeq));

/** Agent metrics of the table, each with its declared labels. */
const DECLARED = [...METRIC_BY_NAME.values()].filter((d) => d.source === "agent" && !d.fromResults);

const result = fc.record(
  {
    check: mostly(fc.constantFrom("gw", "quan-hai-chau", "so-tttt", "web.portal-1")),
    category: mostly(fc.constantFrom(...CATEGORIES)),
    kind: fc.constantFrom("ping", "http", "snmp"),
    ts,
    up: fc.boolean(),
    reason: fc.constantFrom("timeout", "refused", "dns"),
    message: text,
    duration: fc.double({ min: 0, max: 30, noNaN: true }),
  },
  { requiredKeys: ["check", "category", "kind", "ts", "up", "duration"] },
);

const value = fc.double({ noDefaultInfinity: true, noNaN: true });

/** Any name, any labels: mostly refused, one way or another. */
const anySample = fc.record({
  metric: mostly(
    fc.constantFrom(
      "giamsat_ping_rtt_seconds",
      "giamsat_custom_value",
      "giamsat_snmp_uptime_seconds",
      "giamsat_collector_process_resident_memory_bytes",
      "giamsat_remote_write_queue_samples",
    ),
  ),
  labels: fc.dictionary(
    fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom("check", "interface", "mount", "instance") },
      {
        weight: 1,
        arbitrary: fc.oneof(
          fc.constantFrom("unit", "agent", "__proto__", "__name__", "__meta_x", "Unit", "aGeNt"),
          spicy,
        ),
      },
    ),
    text,
    { maxKeys: 4 },
  ),
  ts,
  value,
});

/** A metric of the table with some of its labels, now and then one it does not declare. */
const tableSample = fc.constantFrom(...DECLARED).chain((def) =>
  fc.record({
    metric: fc.constant(def.name),
    labels: fc.dictionary(
      fc.oneof(
        // A metric that declares no labels (a counter of the agent's own) gets only stray ones.
        ...(def.labels?.length ? [{ weight: 9, arbitrary: fc.constantFrom(...def.labels) }] : []),
        { weight: 1, arbitrary: fc.constantFrom("colour", "interface", "reason", "check") },
      ),
      text,
      { maxKeys: (def.labels?.length ?? 0) + 1 },
    ),
    ts,
    value,
  }),
);

/** A check's extra metric (an SNMP check's oids): the check's labels, now and then not all. */
const extraSample = fc.record({
  metric: fc.constantFrom("giamsat_ups_load_ratio", "giamsat_custom_value"),
  labels: fc
    .tuple(
      fc.subarray(["check", "category", "kind"], { minLength: 2 }),
      fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), text, { maxKeys: 10 }),
      text,
    )
    .map(([names, own, v]) => ({ ...own, ...Object.fromEntries(names.map((n) => [n, v])) })),
  ts,
  value,
});

/** Declared labels whose names and values together are longer than any probe's. */
const longSample = fc.record({
  metric: fc.constant("giamsat_snmp_interface_up"),
  labels: fc
    .tuple(fc.constantFrom("v".repeat(120), "w".repeat(200)), text)
    .map(([long, short]) => ({
      check: long,
      category: long,
      kind: "snmp",
      interface: long,
      index: short,
    })),
  ts,
  value,
});

const sample = fc.oneof(
  { weight: 4, arbitrary: anySample },
  { weight: 4, arbitrary: tableSample },
  { weight: 4, arbitrary: extraSample },
  { weight: 2, arbitrary: longSample },
);

const inventory = fc.record({
  check: fc.constantFrom("host", "sw"),
  kind: fc.constant("host"),
  ts,
  data: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 4 }),
});

const hello = fc.record({
  type: fc.constant("hello"),
  v: fc.constant(1),
  agentVersion: text,
  hostname: text,
  os: text,
  bootId: text,
});

const batch = fc.record(
  {
    type: fc.constant("batch"),
    v: fc.constant(1),
    seq,
    sentAt,
    results: fc.array(result, { maxLength: 4 }),
    samples: fc.array(sample, { maxLength: 8 }),
    inventory: fc.array(inventory, { maxLength: 2 }),
  },
  { requiredKeys: ["type", "v", "seq", "sentAt", "results", "samples"] },
);

const message = fc.oneof(hello, batch);

/** A batch the schema takes whose every string tries to name the other unit or break out of SQL. */
const spoofing = fc.record({
  type: fc.constant("batch"),
  v: fc.constant(1),
  seq,
  sentAt,
  results: fc.array(
    fc.record({
      check: fc.constantFrom("quan-hai-chau", "so-tttt", "good", "x"),
      category: fc.constantFrom(...CATEGORIES),
      kind: fc.constantFrom("ping", "http"),
      ts,
      up: fc.boolean(),
      message: text,
      duration: fc.double({ min: 0, max: 30, noNaN: true }),
    }),
    { maxLength: 3 },
  ),
  samples: fc.array(
    fc.record({
      metric: fc.constantFrom("giamsat_ping_rtt_seconds", "giamsat_custom_value"),
      labels: fc.dictionary(fc.constantFrom("check", "interface", "unit_", "agent_name"), text, {
        maxKeys: 3,
      }),
      ts,
      value: fc.double({ noDefaultInfinity: true, noNaN: true }),
    }),
    { maxLength: 5 },
  ),
});

/** A valid-looking message with one field (at the top or one level down) replaced by anything. */
const wrongTyped = fc
  .tuple(message, fc.nat(), fc.anything({ maxDepth: 3 }))
  .map(([m, pick, value]) => {
    const copy = JSON.parse(JSON.stringify(m)) as Record<string, unknown>;
    const keys = [...Object.keys(copy), "extra"];
    const key = keys[pick % keys.length] as string;
    const inner = copy[key];
    if (Array.isArray(inner) && inner.length > 0 && typeof inner[0] === "object") {
      const first = inner[0] as Record<string, unknown>;
      const innerKeys = Object.keys(first);
      first[innerKeys[pick % innerKeys.length] as string] = value;
    } else {
      copy[key] = value;
    }
    return copy;
  });

export interface Frame {
  what: string;
  /**
   * The frame's bytes when sent at `now` to a collector that expects `nextSeq` from the agent: a
   * text frame, or binary when `binary` is set.
   */
  build(now: number, nextSeq: number): string | Uint8Array;
  binary?: boolean;
}

const fixed = (what: string, data: string | Uint8Array, binary?: boolean): Frame => ({
  what,
  build: () => data,
  ...(binary ? { binary } : {}),
});

const nested = fc
  .tuple(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom("[", '{"a":'), fc.boolean())
  .map(([depth, open, closed]): Frame => {
    const close = open === "[" ? "]" : "}";
    const inner = open === "[" ? "" : "1";
    return fixed(
      `nested ${depth}`,
      open.repeat(depth) + inner + (closed ? close.repeat(depth) : ""),
    );
  });

/** Hundreds to thousands of new series at once: the agent's cap is soon reached. */
const volume = fc
  .tuple(
    fc.integer({ min: 1, max: 1_000_000 }),
    fc.integer({ min: 100, max: 3000 }),
    fc.integer({ min: 0, max: 1_000_000 }),
  )
  .map(
    ([seq, count, from]): Frame => ({
      what: `volume ${count}`,
      build: (now) =>
        JSON.stringify({
          type: "batch",
          v: 1,
          seq,
          sentAt: now,
          results: [],
          samples: Array.from({ length: count }, (_, i) => ({
            metric: "giamsat_snmp_interface_up",
            labels: { check: "sw", category: "lan", kind: "snmp", interface: `ge-${from + i}` },
            ts: now - 1000,
            value: 1,
          })),
        }),
    }),
  );

export const frames: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 5, arbitrary: message.map((m): Frame => ({ what: "message", build: asText(m) })) },
  { weight: 3, arbitrary: spoofing.map((m): Frame => ({ what: "spoofing", build: asText(m) })) },
  {
    weight: 4,
    arbitrary: wrongTyped.map((m): Frame => ({ what: "wrong type", build: asText(m) })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(message, fc.double({ min: 0, max: 1, noNaN: true })).map(
      ([m, cut]): Frame => ({
        what: "truncated",
        build: (now, nextSeq) => {
          const text = asText(m)(now, nextSeq);
          return text.slice(0, Math.floor(text.length * cut));
        },
      }),
    ),
  },
  { weight: 1, arbitrary: volume },
  { weight: 2, arbitrary: fc.json({ maxDepth: 5 }).map((data) => fixed("json", data)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }).map((data) => fixed("text", data)) },
  { weight: 2, arbitrary: nested },
  {
    weight: 1,
    arbitrary: fc
      .tuple(hello, fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null)))
      .map(([h, v]) => fixed("version", JSON.stringify({ ...h, v }))),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 64 }).map((data) => fixed("binary", data, true)),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 16 })
      .map((bytes) => fixed("bad utf-8", Uint8Array.from([0xff, ...bytes]))),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 4096 })
      .map((extra) =>
        fixed("oversized", `{"type":"batch","pad":"${"x".repeat(MAX_FRAME_BYTES + extra - 24)}"}`),
      ),
  },
);

/** Upgrade requests: header lines made of right, wrong and random parts, always complete. */
export const upgradeRequests = (validToken: string) =>
  fc
    .tuple(
      fc.oneof(
        { weight: 6, arbitrary: fc.constant("GET /agent HTTP/1.1") },
        fc.constantFrom(
          "GET /agent?x=1 HTTP/1.1",
          "GET /AGENT HTTP/1.1",
          "GET / HTTP/1.1",
          "GET /agent HTTP/1.0",
        ),
        fc.string({ maxLength: 40 }),
      ),
      fc.oneof(fc.constant("websocket"), fc.string({ maxLength: 12 })),
      fc.oneof(fc.constant("Upgrade"), fc.string({ maxLength: 12 })),
      fc.oneof(fc.constant("dGhlIHNhbXBsZSBub25jZQ=="), fc.string({ maxLength: 30 })),
      fc.oneof(fc.constant("13"), fc.string({ maxLength: 4 })),
      fc.oneof(
        { weight: 3, arbitrary: fc.string({ maxLength: 60 }).map((t) => `Bearer ${t}`) },
        fc.constant(`Bearer ${validToken}`),
        fc.constant(`Bearer ${"A".repeat(20_000)}`),
        fc.constant(`Bearer ${validToken}x`),
        fc.constant(""),
        fc.string({ maxLength: 40 }),
      ),
      fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 30 })), {
        maxLength: 3,
      }),
    )
    .map(([line, upgrade, connection, key, version, authorization, extra]) => {
      const headers = [
        "Host: 127.0.0.1",
        `Upgrade: ${upgrade}`,
        `Connection: ${connection}`,
        `Sec-WebSocket-Key: ${key}`,
        `Sec-WebSocket-Version: ${version}`,
        ...(authorization ? [`Authorization: ${authorization}`] : []),
        ...extra.map(([name, value]) => `${name}: ${value}`),
      ];
      return {
        text: `${line}\r\n${headers.join("\r\n")}\r\n\r\n`,
        validToken: authorization === `Bearer ${validToken}`,
        /** A well-formed upgrade to /agent: only the token decides (401 unless it is valid). */
        canonical:
          line === "GET /agent HTTP/1.1" &&
          upgrade === "websocket" &&
          connection === "Upgrade" &&
          extra.length === 0 &&
          authorization.length < 1000,
      };
    });
