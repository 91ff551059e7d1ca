// A database written by release 0b8647c (schema 6: a row per rollup bucket, raw chunks of format
// 1; test/fixtures/store/) is upgraded in place: every API answer and page is exactly what this
// build gives from the release's rows before any moved, before, while and after its rollups move
// into chunks, and after the process doing it is killed with SIGKILL in the middle of a step and
// started again. The answers and HTML the release gave are kept beside it as a record, and hold the
// URLs to ask: later releases changed what some answers hold (downtime as a union over checks, the
// failing checks of a unit) and added sections to pages, so they are not compared.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { AgentStore } from "../../../collector/agents/registry.js";
import { type Db, openDatabase } from "../../../collector/db/database.js";
import { SCHEMA_VERSION } from "../../../collector/db/migrations.js";
import { createApi } from "../../../collector/http/api/router.js";
import { html } from "../../../collector/http/pages/html.js";
import { type PageRequest, renderPages } from "../../../collector/http/pages/pages.js";
import { History } from "../../../collector/inspection/history.js";
import { inspectionReaders } from "../../../collector/inspection/readers.js";
import { collectorConfigSchema } from "../../../shared/config/collector.js";
import { ROOT, tempDir } from "../../helpers/processes.js";
import { rollupRows } from "../../helpers/rollups.js";

const FIXTURE = join(ROOT, "test/fixtures/store");
const OLD_TABLES = ["rollup_5m", "rollup_1h", "scope_5m", "scope_1h", "scope_1d"] as const;

interface Release {
  now: number;
  config: Record<string, unknown>;
  api: Record<string, unknown>;
  pages: Record<
    string,
    {
      kind: "overview" | "unitPage" | "report" | "cityReport";
      path: string;
      params: Record<string, string>;
      body: string;
    }
  >;
}
const release = JSON.parse(
  gunzipSync(readFileSync(join(FIXTURE, "release-0b8647c.json.gz"))).toString("utf8"),
) as Release;

const dir = tempDir("giamsat-upgrade-");
afterAll(() => dir.remove());

/** A copy of the release's database to upgrade. */
function copyOfRelease(name: string): string {
  const file = join(dir.path, `${name}.db`);
  writeFileSync(file, gunzipSync(readFileSync(join(FIXTURE, "release-0b8647c.db.gz"))));
  return file;
}

function open(file: string) {
  const config = collectorConfigSchema.parse({ ...release.config, database: file });
  const db = openDatabase(file);
  const history = new History(db, {
    retention: config.retention,
    incidents: config.incidents,
    startedAt: release.now,
  });
  return { db, history };
}

/** Every API answer and page the release recorded, as this build gives them now. */
function answers(db: Db, history: History) {
  const agents = new AgentStore(db);
  const api = createApi({ history, agents, clock: () => release.now });
  const out: Record<string, unknown> = {};
  for (const url of Object.keys(release.api)) {
    out[url] = api(new URL(url, "http://collector")).body;
  }
  const renderers = renderPages({
    db,
    ctx: inspectionReaders({ history, agents, clock: () => release.now }),
  });
  const pages: Record<string, string> = {};
  for (const [key, page] of Object.entries(release.pages)) {
    const url = new URL(page.path, "http://collector");
    const request: PageRequest = {
      url,
      query: Object.fromEntries(url.searchParams),
      params: page.params,
      user: { id: 1, name: "city", role: "city", unit: null },
      csrf: () => "csrf",
      header: html``,
    };
    pages[key] = renderers[page.kind](request).body;
  }
  return { api: out, pages };
}

/** Trend lines of check durations (small SVG charts), which rollups of late results add points to. */
const TRENDS = /<svg[^>]*>[\s\S]*?<\/svg>/g;

/**
 * What this build gives on the release's database before any rollup has moved: the answers and
 * pages every later state is held to exactly.
 */
let beforeMoving: ReturnType<typeof answers> | undefined;
function answersOfRelease(): ReturnType<typeof answers> {
  if (!beforeMoving) {
    const { db, history } = open(copyOfRelease("reference"));
    beforeMoving = answers(db, history);
    db.close();
  }
  return beforeMoving;
}

function expectReleaseAnswers(db: Db, history: History, when: string, trendsGrew = false) {
  const now = answers(db, history);
  const before = answersOfRelease();
  for (const url of Object.keys(release.api)) {
    expect(now.api[url], `${url} ${when}`).toEqual(before.api[url]);
  }
  for (const key of Object.keys(release.pages)) {
    const [ours, theirs] = [now.pages[key] ?? "", before.pages[key] ?? ""].map((body) =>
      trendsGrew ? body.replace(TRENDS, "<svg/>") : body,
    );
    expect(ours === theirs, `page ${key} ${when}`).toBe(true);
  }
}

function oldRows(db: Db): number {
  let rows = 0;
  for (const name of OLD_TABLES) {
    const exists = db
      .prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?")
      .pluck()
      .get(name) as number;
    if (exists) rows += db.prepare(`SELECT count(*) FROM ${name}`).pluck().get() as number;
  }
  return rows;
}

function chunkRows(db: Db): number {
  return OLD_TABLES.reduce((sum, name) => sum + rollupRows(db, name).length, 0);
}

/** A process that upgrades `file` for `steps` steps, then is killed in the next one, or finishes. */
function upgradeProcess(file: string, steps: number | "all") {
  const dist = (path: string) => JSON.stringify(join(ROOT, "dist", path));
  const script = `
    import { openDatabase } from ${dist("collector/db/database.js")};
    import { History } from ${dist("collector/inspection/history.js")};
    import { createLogger } from ${dist("shared/log.js")};
    import { collectorConfigSchema } from ${dist("shared/config/collector.js")};
    const config = collectorConfigSchema.parse(${JSON.stringify({ ...release.config, database: file })});
    const db = openDatabase(config.database);
    const log = createLogger("giamsat-collector", { destination: process.stdout });
    const history = new History(db, {
      retention: config.retention, incidents: config.incidents, startedAt: ${release.now}, log,
    });
    const now = ${release.now};
    const steps = ${steps === "all" ? "Infinity" : steps};
    for (let i = 0; i < steps && history.upgrade.step(now); i++);
    if (steps !== Infinity) {
      // In the middle of a transaction with a step's work in it: SIGKILL, as kill -9 would.
      db.transaction(() => {
        history.upgrade.step(now);
        process.kill(process.pid, "SIGKILL");
      })();
    }
    db.close();`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise<{
    signal: string | null;
    code: number | null;
    log: Record<string, unknown>[];
  }>((resolve) =>
    child.once("exit", (code, signal) =>
      resolve({
        code,
        signal,
        log: output
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      }),
    ),
  );
}

describe("upgrading a database written by release 0b8647c", () => {
  it("gives the same answers and pages from the release's database before, while and after moving its rollups", () => {
    const file = copyOfRelease("in-process");
    const { db, history } = open(file);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const before = oldRows(db);
    expect(before).toBeGreaterThan(50_000);
    expect(chunkRows(db)).toBe(0);
    expect(history.upgrade.progress).toBe(0);
    expectReleaseAnswers(db, history, "before the upgrade");

    // Rollups wait while the rows move: a bucket is in one place or the other, never both.
    expect(history.rollups.step(release.now)).toBe(false);
    let steps = 0;
    let progress = 0;
    while (history.upgrade.step(release.now)) {
      steps++;
      expect(oldRows(db) + chunkRows(db)).toBe(before);
      expect(history.upgrade.progress).toBeGreaterThanOrEqual(progress);
      progress = history.upgrade.progress;
      if (steps === 1 || steps % 25 === 0)
        expectReleaseAnswers(db, history, `after ${steps} steps`);
    }
    expect(steps).toBeGreaterThan(3);
    expect(history.upgrade.progress).toBe(1);
    expect(oldRows(db)).toBe(0);
    expect(
      db.prepare("SELECT name FROM sqlite_schema WHERE name IN ('rollup_5m', 'scope_1d')").all(),
    ).toEqual([]);
    expect(chunkRows(db)).toBe(before);
    expectReleaseAnswers(db, history, "after the upgrade");

    // Then the checks' local days are made from their hours, which changes no answer, and the
    // other jobs run: the late results the release left to roll up are rolled up, which adds
    // their points to the unit's trend lines and changes no figure; the release's 2-hour raw
    // chunks (format 1) of closed days are merged into day chunks of this version's format.
    expect(history.rollups.step(release.now)).toBe(false);
    while (history.seriesDays.step(release.now));
    expect(history.seriesDays.done).toBe(true);
    expect(rollupRows(db, "rollup_1d").length).toBeGreaterThan(0);
    expectReleaseAnswers(db, history, "after the checks' days are made");
    expect(history.marks.get("so-tttt")?.dirtyFrom).toBeDefined();
    for (const job of [history.rollups, history.compaction, history.retention]) {
      while (job.step(release.now));
    }
    // A day later its one closed day of raw samples would be merged; merging is all it does.
    while (history.dayMerge.step(release.now + 30 * 3_600_000));
    expect(db.prepare("SELECT count(*) FROM day_chunks").pluck().get()).toBeGreaterThan(0);
    expect(history.marks.get("so-tttt")?.dirtyFrom).toBeUndefined();
    expectReleaseAnswers(db, history, "once the late results are rolled up", true);
    db.close();
  });

  it("loses nothing to a kill -9 in the middle: started again, it finishes with the same answers", async () => {
    const file = copyOfRelease("killed");
    const killed = await upgradeProcess(file, 5);
    expect(killed.signal).toBe("SIGKILL");
    const began = killed.log.find((line) => String(line.msg).startsWith("moving rollups"));
    expect(began?.rows).toBeGreaterThan(40_000);

    const { db, history } = open(file);
    const left = oldRows(db);
    const moved = chunkRows(db);
    // Five steps were committed, the sixth's work rolled back with its transaction.
    expect(moved).toBeGreaterThan(0);
    expect(left).toBeGreaterThan(0);
    expect(history.upgrade.progress).toBeGreaterThan(0);
    expect(history.upgrade.progress).toBeLessThan(1);
    expectReleaseAnswers(db, history, "after the kill");
    db.close();

    const restarted = await upgradeProcess(file, "all");
    expect(restarted.code).toBe(0);
    const messages = restarted.log.map((line) => String(line.msg));
    expect(messages[0]).toMatch(/^going on moving rollups/);
    expect(messages.at(-1)).toMatch(/^rollups moved into compressed chunks/);
    expect(restarted.log.at(-1)?.rows).toBe(left + moved);

    const after = open(file);
    expect(oldRows(after.db)).toBe(0);
    expect(chunkRows(after.db)).toBe(left + moved);
    expectReleaseAnswers(after.db, after.history, "after the restart finished the upgrade");
    after.db.close();
  });
});
