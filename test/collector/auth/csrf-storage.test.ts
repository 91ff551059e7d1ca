// A session's CSRF token is derived from its cookie, never stored: whoever reads collector.db (a
// backup, a copy left about) finds no token a form would take. Sessions begun before this version,
// whose token the database held, keep working after the upgrade.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { hashPassword } from "../../../collector/auth/users.js";
import { MIGRATIONS } from "../../../collector/db/migrations.js";
import {
  type CollectorProcess,
  type Program,
  startCollectorProcess,
  tempDir,
} from "../../helpers/processes.js";
import { addUsers, Browser, PASSWORD } from "../../helpers/web.js";

const running: Program[] = [];
const dirs: { remove(): void }[] = [];
afterEach(async () => {
  for (const program of running.splice(0)) await program.stop("SIGKILL");
  for (const dir of dirs.splice(0)) dir.remove();
});

async function start(dir: string): Promise<CollectorProcess> {
  const collector = await startCollectorProcess(dir);
  running.push(collector.program);
  return collector;
}

describe("CSRF tokens at rest", () => {
  it("are nowhere in the database files of a logged-in session", async () => {
    const dir = tempDir("giamsat-csrf-");
    dirs.push(dir);
    const collector = await start(dir.path);
    await addUsers(join(dir.path, "collector.db"), [{ name: "admin", role: "admin" }]);
    const browser = new Browser(collector.url);
    expect((await browser.login("admin", PASSWORD)).status).toBe(303);
    const token = await browser.csrf("/");
    // The token works...
    expect((await browser.post("/logout", { _csrf: token })).status).toBe(303);
    expect((await browser.login("admin", PASSWORD)).status).toBe(303);
    const second = await browser.csrf("/");
    // ...and neither it nor the one before is in any file of the database.
    const files = readdirSync(dir.path).filter((f) => f.startsWith("collector.db"));
    expect(files).toContain("collector.db-wal");
    for (const file of files) {
      const bytes = readFileSync(join(dir.path, file));
      expect(bytes.includes(token), `${file} holds a CSRF token`).toBe(false);
      expect(bytes.includes(second), `${file} holds a CSRF token`).toBe(false);
    }
  });

  it("of sessions begun before the upgrade are derived like new ones: their pages and forms work", async () => {
    const dir = tempDir("giamsat-csrf-old-");
    dirs.push(dir);
    // A database as version 6 left it, with a session whose CSRF token is in its row.
    const file = join(dir.path, "collector.db");
    const old = new Database(file);
    for (const [i, step] of MIGRATIONS.slice(0, 6).entries()) {
      if (typeof step === "string") old.exec(step);
      else step(old);
      old.pragma(`user_version = ${i + 1}`);
    }
    const cookie = "A".repeat(43);
    old
      .prepare(
        "INSERT INTO users (id, name, role, unit_id, password, created_at) VALUES (1, 'admin', 'admin', NULL, ?, 0)",
      )
      .run(await hashPassword(PASSWORD));
    old
      .prepare(
        "INSERT INTO sessions (hash, user_id, csrf, created_at, expires_at) VALUES (?, 1, ?, 0, ?)",
      )
      .run(
        createHash("sha256").update(cookie).digest(),
        "stored-token-stored-token-stored-token-0000",
        Date.now() + 3_600_000,
      );
    old.close();
    const collector = await start(dir.path);
    const browser = new Browser(collector.url);
    browser.cookies.set("giamsat_session", cookie);
    const page = await browser.get("/");
    expect(page.status).toBe(200);
    expect(page.text).not.toContain("stored-token-stored-token");
    const token = await browser.csrf("/");
    expect((await browser.post("/logout", { _csrf: token })).status).toBe(303);
    expect((await browser.get("/")).status).toBe(303);
  });
});
