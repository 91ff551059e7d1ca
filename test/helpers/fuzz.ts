// Hostile agent input for the fuzz test: frames (malformed, truncated, oversized, deeply nested,
// wrong-typed, spoofing another unit) and upgrade requests, with the answer each must get.
import fc from "fast-check";
import { nestsDeeperThan } from "../../collector/agents/json-depth.js";
import { CATEGORIES } from "../../shared/categories.js";
import { PROTOCOL_ERRORS, type ProtocolErrorCode } from "../../shared/errors.js";
import { METRIC_BY_NAME, METRICS } from "../../shared/metrics.js";
import { agentMessageSchema, MAX_FRAME_BYTES } from "../../shared/protocol.js";

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
];
const spicy = fc.oneof(fc.constantFrom(...SPICY), fc.string({ maxLength: 30 }));
/** Mostly what the schema takes, sometimes anything: so that many messages are stored. */
const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 9, arbitrary: valid }, { weight: 1, arbitrary: spicy });
/** Label values and messages that are valid yet name the other unit, or are SQL, or control codes. */
const text = fc.oneof(
  fc.constantFrom(...SPICY.filter((t) => t.length <= 256)),
  fc.string({ maxLength: 30 }),
);
const now = Date.now();
const ts = fc.integer({ min: now - 86_400_000, max: now + 1000 });

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

const sample = fc.record({
  metric: mostly(
    fc.constantFrom(
      "giamsat_ping_rtt_seconds",
      "giamsat_custom_value",
      "giamsat_snmp_uptime_seconds",
    ),
  ),
  labels: fc.dictionary(
    fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom("check", "interface", "mount", "instance") },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom("unit", "agent", "__proto__"), spicy) },
    ),
    text,
    { maxKeys: 4 },
  ),
  ts,
  value: fc.double({ noDefaultInfinity: true, noNaN: true }),
});

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
    seq: fc.integer({ min: 1, max: 1_000_000 }),
    sentAt: ts,
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
  seq: fc.integer({ min: 1, max: 1_000_000 }),
  sentAt: ts,
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
  /** Text frame, or binary when `binary` is set. */
  data: string | Uint8Array;
  binary?: boolean;
}

const nested = fc
  .tuple(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom("[", '{"a":'), fc.boolean())
  .map(([depth, open, closed]): Frame => {
    const close = open === "[" ? "]" : "}";
    const inner = open === "[" ? "" : "1";
    const text = open.repeat(depth) + inner + (closed ? close.repeat(depth) : "");
    return { what: `nested ${depth}`, data: text };
  });

export const frames: fc.Arbitrary<Frame> = fc.oneof(
  {
    weight: 4,
    arbitrary: message.map((m): Frame => ({ what: "message", data: JSON.stringify(m) })),
  },
  {
    weight: 3,
    arbitrary: spoofing.map((m): Frame => ({ what: "spoofing", data: JSON.stringify(m) })),
  },
  {
    weight: 4,
    arbitrary: wrongTyped.map((m): Frame => ({ what: "wrong type", data: JSON.stringify(m) })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(message, fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([m, cut]): Frame => {
        const text = JSON.stringify(m);
        return { what: "truncated", data: text.slice(0, Math.floor(text.length * cut)) };
      }),
  },
  { weight: 2, arbitrary: fc.json({ maxDepth: 5 }).map((data): Frame => ({ what: "json", data })) },
  {
    weight: 2,
    arbitrary: fc.string({ maxLength: 200 }).map((data): Frame => ({ what: "text", data })),
  },
  { weight: 2, arbitrary: nested },
  {
    weight: 1,
    arbitrary: fc
      .tuple(hello, fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null)))
      .map(([h, v]): Frame => ({ what: "version", data: JSON.stringify({ ...h, v }) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 64 })
      .map((data): Frame => ({ what: "binary", data, binary: true })),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 16 })
      .map((bytes): Frame => ({ what: "bad utf-8", data: Uint8Array.from([0xff, ...bytes]) })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 4096 }).map(
      (extra): Frame => ({
        what: "oversized",
        data: `{"type":"batch","pad":"${"x".repeat(MAX_FRAME_BYTES + extra - 24)}"}`,
      }),
    ),
  },
);

/** What the collector must answer: a message, or an error code and close code. */
export type Expected =
  | { answer: "welcome" }
  | { answer: "ack"; seq: number }
  | { answer: "error"; code: ProtocolErrorCode; close: number }
  | { answer: "close"; close: number };

const NOT_FROM_AGENTS = new Set([
  METRICS.checkUp.name,
  METRICS.checkDuration.name,
  ...[...METRIC_BY_NAME.values()].filter((d) => d.source === "collector").map((d) => d.name),
]);

function refuse(code: ProtocolErrorCode): Expected {
  return { answer: "error", code, close: PROTOCOL_ERRORS[code] };
}

/** How deeply a parsed value nests (iteratively: the values here may be 200,000 deep). */
function depth(value: unknown): number {
  let most = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, level] = stack.pop() as [unknown, number];
    if (typeof item !== "object" || item === null) continue;
    most = Math.max(most, level + 1);
    for (const child of Object.values(item)) stack.push([child, level + 1]);
  }
  return most;
}

/** The documented answer to `frame`, sent after a hello when `greeted`. */
export function expectedAnswer(frame: Frame, greeted: boolean): Expected {
  const bytes = typeof frame.data === "string" ? Buffer.from(frame.data) : Buffer.from(frame.data);
  if (bytes.length > MAX_FRAME_BYTES) return { answer: "close", close: 1009 };
  if (frame.binary) return refuse("unsupported_version");
  // The WebSocket layer refuses a text frame that is not UTF-8 (RFC 6455 section 8.1).
  if (typeof frame.data !== "string") return { answer: "close", close: 1007 };
  // Checked before parsing, as parsing 200,000 levels takes the test itself a quarter second.
  if (nestsDeeperThan(bytes, 32)) return refuse("invalid_message");
  let json: unknown;
  try {
    // As the collector reads it: unpaired surrogates became U+FFFD on the way.
    json = JSON.parse(bytes.toString());
  } catch {
    return refuse("invalid_message");
  }
  if (depth(json) > 32) return refuse("invalid_message");
  const v = (json as { v?: unknown } | null)?.v;
  if (typeof json === "object" && json !== null && v !== undefined && v !== 1) {
    return refuse("unsupported_version");
  }
  const parsed = agentMessageSchema.safeParse(json);
  if (!parsed.success) return refuse("invalid_message");
  if (parsed.data.type === "hello") return { answer: "welcome" };
  if (!greeted) return refuse("invalid_message");
  if (parsed.data.samples.some((s) => NOT_FROM_AGENTS.has(s.metric)))
    return refuse("invalid_message");
  return { answer: "ack", seq: parsed.data.seq };
}

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
