// Thousands of hostile messages and upgrade requests against a real collector process: it never
// crashes, answers each with its documented error and close code (or the documented count of
// refused samples before the ack: names and labels the metric table does not declare, timestamps
// ahead of the clock, series past the agent's cap), keeps acknowledging a well-behaved agent
// meanwhile with nothing lost, lets no agent write under another unit, and /metrics stays valid.
// The seed is fixed under CI=true and random otherwise (printed; FUZZ_SEED=... repeats a run).
import { spawnSync } from "node:child_process";
import { connect } from "node:net";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { ProtocolErrorCode } from "../../../shared/errors.js";
import { batch, RawAgent } from "../../helpers/collector.js";
import { type Frame, frames, upgradeRequests } from "../../helpers/fuzz.js";
import { AgentModel, type Expected, expectedAnswer } from "../../helpers/fuzz-model.js";
import { parseExposition } from "../../helpers/metrics.js";
import { peer } from "../../helpers/peers.js";
import {
  type CollectorProcess,
  startCollectorProcess,
  TWO_UNITS,
  tempDir,
} from "../../helpers/processes.js";

const SEED = process.env.FUZZ_SEED
  ? Number(process.env.FUZZ_SEED)
  : process.env.CI === "true"
    ? 20_261_127
    : Math.floor(Math.random() * 2 ** 31);
/** Messages are sent by this many fuzzing agents at once (the cases are latency-bound). */
const PARALLEL = 4;
const MESSAGES = Number(process.env.FUZZ_MESSAGES ?? 3000);
const UPGRADES = Math.round(MESSAGES / 2);
const BASE_TS = Date.now() - 3_600_000;
/** limits.seriesPerAgent of the fuzzed collector: low, so the volume frames reach it. */
const SERIES_CAP = 2000;

const dir = tempDir();
let collector: CollectorProcess;
let fuzzTokens: string[];
let good: RawAgent;
let acked = 0;
let goodRunning = true;
let goodLoop: Promise<void>;

/** The well-behaved agent of the other unit: one batch at a time, each waited for. */
async function runGoodAgent(): Promise<void> {
  for (let seq = 1; goodRunning; seq++) {
    good.send(batch(seq, BASE_TS + seq));
    await good.next((m) => m.type === "ack" && m.seq === seq, 10_000);
    acked = seq;
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeAll(async () => {
  console.info(`fuzz seed ${SEED} (repeat with FUZZ_SEED=${SEED})`);
  collector = await startCollectorProcess(
    dir.path,
    `limits: { badTokensPerMinute: 1000000, agentMessagesPerSecond: 1000000, seriesPerAgent: ${SERIES_CAP} }\n${TWO_UNITS}`,
  );
  fuzzTokens = await Promise.all(
    Array.from({ length: PARALLEL }, (_, i) => collector.enroll("so-tttt", `fuzz-${i}`)),
  );
  good = new RawAgent(collector.url, await collector.enroll("quan-hai-chau", "good"));
  await good.hello();
  goodLoop = runGoodAgent();
});

afterAll(async () => {
  goodRunning = false;
  await collector?.program.stop();
  dir.remove();
});

type Outcome = Expected | { answer: "nothing" };

/** Opens a connection, says hello when asked, sends the frame and reads the collector's answer. */
async function exchange(
  token: string,
  data: string | Uint8Array,
  binary: boolean,
  greet: boolean,
): Promise<Outcome> {
  const socket = new WebSocket(`${collector.url.replace(/^http/, "ws")}/agent`, {
    headers: { Authorization: `Bearer ${token}` },
    perMessageDeflate: false,
  });
  const inbox: ({ type: string } & Record<string, unknown>)[] = [];
  let wake = () => {};
  let closeCode: number | undefined;
  socket.on("message", (data) => {
    inbox.push(JSON.parse(data.toString()));
    wake();
  });
  socket.on("close", (code) => {
    closeCode = code;
    wake();
  });
  socket.on("error", () => {});
  const next = async (): Promise<void> => {
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, 5000);
    });
  };
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("unexpected-response", (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  try {
    if (greet) {
      socket.send(
        JSON.stringify({
          type: "hello",
          v: 1,
          agentVersion: "f",
          hostname: "f",
          os: "f",
          bootId: "f",
        }),
      );
      while (inbox.length === 0 && closeCode === undefined) await next();
      if (inbox.shift()?.type !== "welcome") throw new Error("no welcome");
    }
    socket.send(data, { binary });
    while (inbox.length === 0 && closeCode === undefined) await next();
    const first = inbox[0];
    if (first?.type === "error") {
      while (closeCode === undefined) await next();
      return { answer: "error", code: first.code as ProtocolErrorCode, close: closeCode };
    }
    if (first?.type === "welcome") return { answer: "welcome" };
    if (first?.type === "refused") {
      // The ack of the same batch follows.
      while (inbox.length < 2 && closeCode === undefined) await next();
      const ack = inbox[1];
      if (ack?.type !== "ack" || ack.seq !== first.seq) return { answer: "nothing" };
      const refused = first.samples as Record<string, number>;
      return { answer: "ack", seq: first.seq as number, refused };
    }
    if (first?.type === "ack") return { answer: "ack", seq: first.seq as number };
    if (closeCode !== undefined) return { answer: "close", close: closeCode };
    return { answer: "nothing" };
  } finally {
    socket.terminate();
  }
}

/** Sends raw request bytes and returns the status of the answer (0: closed without one). */
function upgradeStatus(text: string): Promise<number> {
  const port = Number(new URL(collector.url).port);
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let received = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 5 s to ${JSON.stringify(text.slice(0, 200))}`));
    }, 5000);
    const done = (status: number) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(status);
    };
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      const line = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      if (line) done(Number(line[1]));
    });
    socket.on("close", () => done(0));
    socket.on("error", () => {});
  });
}

describe("fuzz", () => {
  it(`answers ${MESSAGES} hostile messages each with its documented error and close code`, async () => {
    const started = performance.now();
    const answers = new Map<string, number>();
    const refusals = new Map<string, number>();
    const models = fuzzTokens.map(() => new AgentModel(SERIES_CAP));
    const cases = fc.array(fc.tuple(frames, fc.boolean()), {
      minLength: PARALLEL,
      maxLength: PARALLEL,
    });
    await fc.assert(
      fc.asyncProperty(cases, async (some) => {
        const now = Date.now();
        const sent = some.map(([frame, greet]: [Frame, boolean], i) => ({
          frame,
          greet,
          data: frame.build(now, (models[i] as AgentModel).lastSeq + 1),
        }));
        const got = await Promise.all(
          sent.map(({ frame, greet, data }, i) =>
            exchange(fuzzTokens[i] as string, data, frame.binary === true, greet),
          ),
        );
        for (const outcome of got) {
          const key = outcome.answer === "error" ? outcome.code : outcome.answer;
          answers.set(key, (answers.get(key) ?? 0) + 1);
          if (outcome.answer !== "ack") continue;
          for (const [reason, n] of Object.entries(outcome.refused ?? {})) {
            refusals.set(reason, (refusals.get(reason) ?? 0) + n);
          }
        }
        expect(sent.map(({ frame }, i) => ({ what: frame.what, got: got[i] }))).toEqual(
          sent.map(({ frame, greet, data }, i) => ({
            what: frame.what,
            got: expectedAnswer(data, frame.binary === true, greet, models[i] as AgentModel, now),
          })),
        );
      }),
      { numRuns: MESSAGES / PARALLEL, seed: SEED, endOnFailure: true },
    );
    const seconds = (performance.now() - started) / 1000;
    console.info(
      `fuzz: ${MESSAGES} messages in ${seconds.toFixed(1)} s (${(MESSAGES / seconds).toFixed(0)}/s), answers:`,
      Object.fromEntries(answers),
      "samples refused:",
      Object.fromEntries(refusals),
    );
    // Every kind of refusal was met, so each rule was held against the documented answer.
    expect([...refusals.keys()].sort()).toEqual([
      "agent_series_limit",
      "future_timestamp",
      "labels_too_long",
      "undeclared_label",
      "unknown_metric",
    ]);
  }, 120_000); // 3,000 messages answered and judged one by one: long on a loaded machine

  it(`answers ${UPGRADES} malformed upgrade requests with a documented status`, async () => {
    // 101 switching, 400 malformed (HTTP parser or WebSocket handshake), 401 token, 404 not /agent,
    // 431 headers too large; a request that is not an upgrade gets the page's answer (303 to login).
    const documented = [101, 303, 400, 401, 404, 405, 431];
    await fc.assert(
      fc.asyncProperty(upgradeRequests(fuzzTokens[0] as string), async (request) => {
        const status = await upgradeStatus(request.text);
        expect(documented).toContain(status);
        if (status === 101) expect(request.validToken).toBe(true);
        if (request.canonical && !request.validToken) expect(status).toBe(401);
      }),
      { numRuns: UPGRADES, seed: SEED, endOnFailure: true },
    );
  });

  it("kept acknowledging the well-behaved agent meanwhile, and stored every batch it acknowledged", async () => {
    goodRunning = false;
    await goodLoop;
    expect(good.closeCode).toBeUndefined();
    expect(good.messages.filter((m) => m.type === "error")).toEqual([]);
    expect(acked).toBeGreaterThan(100);
    console.info(`the well-behaved agent had ${acked} batches acknowledged meanwhile`);
    const db = new Database(`${dir.path}/collector.db`, { readonly: true });
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const goodId = "(SELECT id FROM agents WHERE name = 'good')";
    expect(count(`SELECT count(*) AS n FROM batches WHERE agent_id = ${goodId}`)).toBe(acked);
    expect(
      count(
        `SELECT count(*) AS n FROM samples v JOIN series s ON s.id = v.series_id WHERE s.agent_id = ${goodId}`,
      ),
    ).toBe(acked * 3);
    db.close();
  });

  it("let the agent of one unit put nothing under another unit, whatever its messages said", async () => {
    const db = new Database(`${dir.path}/collector.db`, { readonly: true });
    const otherUnit = db
      .prepare(`
        SELECT a.name, s.metric, s.labels FROM series s JOIN agents a ON a.id = s.agent_id
        WHERE a.unit_id = 'quan-hai-chau' ORDER BY s.metric`)
      .all();
    const inOtherUnit = (table: string) =>
      db
        .prepare(
          `SELECT DISTINCT a.name FROM ${table} t JOIN agents a ON a.id = t.agent_id WHERE a.unit_id = 'quan-hai-chau'`,
        )
        .all();
    const tables = ["checks", "failures", "inventory", "batches"].map((t) => [t, inOtherUnit(t)]);
    const fuzzSeries = db
      .prepare(
        "SELECT count(*) AS n FROM series s JOIN agents a ON a.id = s.agent_id WHERE a.name LIKE 'fuzz-%'",
      )
      .get() as { n: number };
    db.close();
    const labels = '{"category":"lan","check":"gw","kind":"ping"}';
    expect(otherUnit).toEqual([
      { name: "good", metric: "giamsat_check_duration_seconds", labels },
      { name: "good", metric: "giamsat_check_up", labels },
      { name: "good", metric: "giamsat_ping_rtt_seconds", labels },
    ]);
    expect(tables).toEqual([
      ["checks", [{ name: "good" }]],
      ["failures", []],
      ["inventory", []],
      ["batches", [{ name: "good" }]],
    ]);
    // The fuzzing agent did get data stored: under its own unit.
    expect(fuzzSeries.n).toBeGreaterThan(0);

    const text = await (await fetch(`${collector.url}/metrics`)).text();
    for (const sample of parseExposition(text)) {
      if (sample.labels.agent?.startsWith("fuzz-")) expect(sample.labels.unit).toBe("so-tttt");
      if (sample.labels.unit === "quan-hai-chau" && sample.labels.agent !== undefined) {
        expect(sample.labels.agent).toBe("good");
      }
    }
  });

  it("is still healthy, logged no internal error, and its /metrics passes promtool", async (ctx) => {
    expect((await fetch(`${collector.url}/healthz`)).status).toBe(200);
    expect(collector.program.child.exitCode).toBeNull();
    const errors = collector.program
      .output()
      .split("\n")
      .filter((line) => /"level":"(error|fatal)"/.test(line));
    expect(errors).toEqual([]);
    const promtool = peer("promtool");
    if (!promtool) return ctx.skip();
    const text = await (await fetch(`${collector.url}/metrics`)).text();
    const result = spawnSync(promtool, ["check", "metrics"], { input: text, encoding: "utf8" });
    // Exit 3 is style only (an agent may name a label in camelCase); 1 would be a text the
    // format does not allow, which no agent may cause.
    expect(result.stderr + result.stdout).not.toMatch(/error while linting|parsing error/);
    expect([0, 3]).toContain(result.status);
  });
});
