// GET /agent/packages/<file> against a running collector with a real package shelf: an agent's token
// downloads the offered package, a bad or missing one is refused (401), and an address that keeps
// presenting bad tokens is held back (429, Retry-After) as on /agent, sharing its budget, while an
// agent at another address still downloads.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newPackageKey, signPackage } from "../../../shared/agent-package.js";
import { type TestCollector, testCollector } from "../../helpers/collector.js";
import { tempDir } from "../../helpers/processes.js";

const FILE = "giamsat-agent-0.2.0-linux-x64.tar.gz";
const CONTENT = Buffer.from("the package's bytes");
const shelf = tempDir("giamsat-shelf-");
let collector: TestCollector;
let token = "";

/** The download as an agent at `from` (a loopback address) makes it, with `bearer` as its token. */
function download(
  bearer: string | undefined,
  from = "127.0.0.1",
): Promise<{ status: number; retryAfter?: string; body: string }> {
  const url = new URL(`/agent/packages/${FILE}`, collector.url);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        localAddress: from,
        headers: bearer === undefined ? {} : { Authorization: `Bearer ${bearer}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: res.headers["retry-after"],
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  const key = newPackageKey();
  const folder = join(shelf.path, "packages");
  mkdirSync(folder);
  writeFileSync(join(folder, FILE), CONTENT);
  writeFileSync(
    join(folder, `${FILE}.sha256`),
    `${createHash("sha256").update(CONTENT).digest("hex")}  ${FILE}\n`,
  );
  writeFileSync(join(folder, `${FILE}.sig`), `${signPackage(CONTENT, key.privatePem)}\n`);
  collector = await testCollector({
    limits: { badTokensPerMinute: 5 },
    upgrades: { folder, publicKey: key.publicPem, target: "0.2.0" },
  });
  token = collector.enroll("unit-a", "pc-1");
});
afterAll(async () => {
  await collector.stop();
  shelf.remove();
});

describe("agent package downloads", () => {
  it("serve the offered package to an agent's token", async () => {
    const answer = await download(token);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(CONTENT.toString());
  });

  it("hold back an address that keeps presenting bad tokens (429), not an agent elsewhere", async () => {
    const guesses = Array.from({ length: 7 }, (_, i) => `gsat_guess-${i}-${"x".repeat(30)}`);
    const answers = [];
    for (const guess of [undefined, ...guesses]) answers.push(await download(guess, "127.0.0.2"));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    expect(Number(answers[5]?.retryAfter)).toBeGreaterThan(0);
    expect(answers[5]?.body).toContain("too many refused agent tokens from this address");
    // While it waits, the address is held back as a whole, as on /agent.
    expect((await download(token, "127.0.0.2")).status).toBe(429);
    const elsewhere = await download(token, "127.0.0.1");
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body).toBe(CONTENT.toString());
  });
});
