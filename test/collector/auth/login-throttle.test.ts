// Password guessing against a real collector process, from one loopback address and from many
// (127.0.0.0/8 is all loopback): attempts count when they start, an account's wrong passwords slow
// down further tries on it from anywhere, one address's burst does not turn away everyone else,
// and the real user still gets in: at once from a browser that logged in before, or after the delay.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CollectorProcess,
  startCollectorProcess,
  TWO_UNITS,
  tempDir,
} from "../../helpers/processes.js";
import { addUsers, PASSWORD } from "../../helpers/web.js";

const dir = tempDir();
let collector: CollectorProcess;

beforeAll(async () => {
  collector = await startCollectorProcess(dir.path, TWO_UNITS);
  await addUsers(`${dir.path}/collector.db`, [
    { name: "fair", role: "admin" },
    { name: "leader", role: "city" },
  ]);
});
afterAll(async () => {
  await collector?.program.stop();
  dir.remove();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTP request from a chosen loopback address. */
function send(
  method: string,
  path: string,
  from: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer & { text: string }> {
  const url = new URL(path, collector.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, method, headers, localAddress: from },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The login form's CSRF cookie and token (valid for any number of attempts). */
async function loginForm(from: string): Promise<{ cookie: string; token: string }> {
  const page = await send("GET", "/login", from, {});
  const cookie = String(page.headers["set-cookie"]).split(";")[0] ?? "";
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? "";
  return { cookie, token };
}

async function attempt(
  from: string,
  name: string,
  password: string,
  form: { cookie: string; token: string },
  cookies: string[] = [],
): Promise<Answer> {
  const body = new URLSearchParams({ _csrf: form.token, name, password, next: "/" }).toString();
  return send(
    "POST",
    "/login",
    from,
    {
      "Content-Type": "application/x-www-form-urlencoded",
      Cookie: [form.cookie, ...cookies].join("; "),
    },
    body,
  );
}

function statuses(answers: Answer[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const { status } of answers) out[status] = (out[status] ?? 0) + 1;
  return out;
}

describe("login throttling", () => {
  it("counts attempts when they start: a burst of 30 from one address gets at most 10 password checks", async () => {
    const from = "127.0.0.2";
    const form = await loginForm(from);
    const started = Date.now();
    // Each attempt at another name, so that only the address's limit applies.
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) => attempt(from, `nobody-${i}`, "wrong password", form)),
    );
    const later = [];
    for (let i = 30; i < 45; i++) later.push(await attempt(from, `nobody-${i}`, "wrong", form));
    const all = statuses([...burst, ...later]);
    // 401: the password was checked and wrong; 429: refused before any check; never 503. Ten at
    // once, then one more every 6 s (10 a minute).
    const allowed = 10 + Math.floor((Date.now() - started) / 6000);
    expect(all[503]).toBeUndefined();
    expect(all[401] ?? 0).toBeLessThanOrEqual(allowed);
    expect((all[401] ?? 0) + (all[429] ?? 0)).toBe(45);
  });

  it("does not let one address's burst turn away someone else's right password", async () => {
    const attacker = "127.0.0.3";
    const form = await loginForm(attacker);
    const burst = Array.from({ length: 40 }, (_, i) =>
      attempt(attacker, `someone-${i}`, "wrong password", form),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const someone = "127.0.0.4";
    const right = await attempt(someone, "fair", PASSWORD, await loginForm(someone));
    expect(right.status).toBe(303);
    expect(statuses(await Promise.all(burst))[503]).toBeUndefined();
  });

  it("slows down guesses at one account from many addresses, yet lets the real user in", async () => {
    // The leader logs in once from the office browser: it is known from then on.
    const office = "127.0.0.5";
    const known = await attempt(office, "leader", PASSWORD, await loginForm(office));
    expect(known.status).toBe(303);
    const device = [known.headers["set-cookie"]]
      .flat()
      .map((line) => String(line).split(";")[0] ?? "")
      .filter((pair) => pair.startsWith("giamsat_device="));
    expect(device).toHaveLength(1);

    const guesses: Answer[] = [];
    for (let i = 0; i < 20; i++) {
      const from = `127.0.1.${10 + i}`;
      guesses.push(await attempt(from, "leader", `guess number ${i}`, await loginForm(from)));
    }
    const counted = statuses(guesses);
    // Five wrong passwords are free; then each waits for the account's delay (a sixth may get
    // through on a slow machine, when the first delay of 1 s has passed).
    expect(counted[401]).toBeGreaterThanOrEqual(5);
    expect(counted[401]).toBeLessThanOrEqual(6);
    expect((counted[401] ?? 0) + (counted[429] ?? 0)).toBe(20);
    const refused = guesses.at(-1);
    expect(Number(refused?.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    const logged = await collector.program.waitForLog(
      (l) => l.msg === "login refused for a while" && l.user === "leader",
    );
    expect(logged.reason).toBe("too many failed logins for this account");

    // One more wrong guess once the delay is over is checked, and the next delay is longer.
    await new Promise((resolve) =>
      setTimeout(resolve, Number(refused?.headers["retry-after"]) * 1000 + 100),
    );
    const more = await attempt(
      "127.0.1.99",
      "leader",
      "one more guess",
      await loginForm("127.0.1.99"),
    );
    expect(more.status).toBe(401);

    // From the browser that logged in before: at once.
    const fromOffice = await attempt(office, "leader", PASSWORD, await loginForm(office), device);
    expect(fromOffice.status).toBe(303);
    // From a new browser: refused while the delay runs, let in once it is over.
    const elsewhere = "127.0.0.6";
    const early = await attempt(elsewhere, "leader", PASSWORD, await loginForm(elsewhere));
    expect(early.status).toBe(429);
    const wait = Number(early.headers["retry-after"]);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(4);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 100));
    const late = await attempt(elsewhere, "leader", PASSWORD, await loginForm(elsewhere));
    expect(late.status).toBe(303);
  });
});
