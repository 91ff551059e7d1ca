// Who may see and do what on the collector's pages and API: every route of the table, per role.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../../../collector/auth/audit.js";
import { openDatabase } from "../../../collector/db/database.js";
import type { RouteName } from "../../../collector/http/routes.js";
import { type TestCollector, testCollector } from "../../helpers/collector.js";
import { visibleText } from "../../helpers/pages.js";
import { addUsers, Browser, PASSWORD } from "../../helpers/web.js";

let collector: TestCollector;
const browsers = new Map<string, Browser>();

/** One concrete request per route, about unit-b where the route names a unit. */
const REQUESTS: Record<RouteName, { method: "GET" | "POST" | "PUT"; path: string }> = {
  healthz: { method: "GET", path: "/healthz" },
  metrics: { method: "GET", path: "/metrics" },
  loginPage: { method: "GET", path: "/login" },
  login: { method: "POST", path: "/login" },
  logout: { method: "POST", path: "/logout" },
  overview: { method: "GET", path: "/" },
  audit: { method: "GET", path: "/audit" },
  unitPage: { method: "GET", path: "/units/unit-b" },
  report: { method: "GET", path: "/reports/unit-b?period=2026-11&lang=vi" },
  cityReport: { method: "GET", path: "/reports?period=2026-11" },
  apiUnits: { method: "GET", path: "/api/v1/units" },
  apiUnit: { method: "GET", path: "/api/v1/units/unit-b" },
  apiChecks: { method: "GET", path: "/api/v1/units/unit-b/checks" },
  apiSummary: { method: "GET", path: "/api/v1/units/unit-b/summary?period=2026-11" },
  apiIncidents: { method: "GET", path: "/api/v1/incidents?unit=unit-b" },
  apiInventory: { method: "GET", path: "/api/v1/inventory?unit=unit-b" },
  apiMaintenance: { method: "GET", path: "/api/v1/maintenance?unit=unit-b" },
  apiMaintenanceCreate: { method: "POST", path: "/api/v1/maintenance" },
  apiMaintenanceEnd: { method: "POST", path: "/api/v1/maintenance/999999/end" },
  apiDiscoveryStart: { method: "POST", path: "/api/v1/units/unit-b/discovery" },
  apiDiscovery: { method: "GET", path: "/api/v1/units/unit-b/discovery" },
  apiDiscoveryDecide: { method: "POST", path: "/api/v1/units/unit-b/discovery/devices/10.0.0.1" },
  signoff: { method: "POST", path: "/units/unit-b/signoff" },
  discoveryStartForm: { method: "POST", path: "/units/unit-b/discovery" },
  discoveryDecideForm: { method: "POST", path: "/units/unit-b/discovery/devices/10.0.0.1" },
  apiFleet: { method: "GET", path: "/api/v1/fleet" },
  fleetPage: { method: "GET", path: "/fleet" },
  apiCentralChecks: { method: "GET", path: "/api/v1/units/unit-b/central-checks" },
  apiCentralChecksUpdate: { method: "PUT", path: "/api/v1/units/unit-b/central-checks" },
  apiAgentCentralChecks: { method: "GET", path: "/api/v1/units/unit-b/agents/pc-1/central-checks" },
  apiAgentCentralChecksUpdate: {
    method: "PUT",
    path: "/api/v1/units/unit-b/agents/pc-1/central-checks",
  },
  centralChecksForm: { method: "POST", path: "/units/unit-b/central-checks" },
  agentCentralChecksForm: { method: "POST", path: "/units/unit-b/agents/pc-1/central-checks" },
  maintenanceCreate: { method: "POST", path: "/units/unit-b/maintenance" },
  maintenanceEnd: { method: "POST", path: "/units/unit-b/maintenance/999999/end" },
  agentEnroll: { method: "POST", path: "/agent/enroll" },
  agentPackage: { method: "GET", path: "/agent/packages/giamsat-agent-0.2.0-linux-x64.tar.gz" },
  enrollmentCodes: { method: "GET", path: "/units/unit-b/enrollment-codes" },
  enrollmentCodeCreate: { method: "POST", path: "/units/unit-b/enrollment-codes" },
  enrollmentCodeRevoke: { method: "POST", path: "/units/unit-b/enrollment-codes/1/revoke" },
};

/**
 * What each role gets on each route that needs a login (unit is the leader of unit-a). Only a
 * unit's leader signs its inspection: an administrator may not sign for one.
 */
const EXPECTED: Record<string, Partial<Record<RouteName, number>>> = {
  city: {
    apiFleet: 200,
    fleetPage: 200,
    enrollmentCodes: 403,
    enrollmentCodeCreate: 403,
    enrollmentCodeRevoke: 403,
    overview: 200,
    audit: 403,
    unitPage: 200,
    report: 200,
    signoff: 403,
    apiUnits: 200,
    apiUnit: 200,
    apiChecks: 200,
    apiSummary: 200,
    apiIncidents: 200,
    apiInventory: 200,
    apiMaintenance: 200,
    apiMaintenanceCreate: 403,
    apiMaintenanceEnd: 403,
    apiCentralChecks: 403,
    apiCentralChecksUpdate: 403,
    apiAgentCentralChecks: 403,
    apiAgentCentralChecksUpdate: 403,
    centralChecksForm: 403,
    agentCentralChecksForm: 403,
    maintenanceCreate: 403,
    maintenanceEnd: 403,
    discoveryStartForm: 403,
    discoveryDecideForm: 403,
  },
  unit: {
    apiFleet: 200,
    fleetPage: 200,
    enrollmentCodes: 403,
    enrollmentCodeCreate: 403,
    enrollmentCodeRevoke: 403,
    overview: 200,
    audit: 403,
    unitPage: 403,
    report: 403,
    signoff: 403,
    apiUnits: 200,
    apiUnit: 403,
    apiChecks: 403,
    apiSummary: 403,
    apiIncidents: 403,
    apiInventory: 403,
    apiMaintenance: 403,
    apiMaintenanceCreate: 403,
    apiMaintenanceEnd: 404,
    apiCentralChecks: 403,
    apiCentralChecksUpdate: 403,
    apiAgentCentralChecks: 403,
    apiAgentCentralChecksUpdate: 403,
    centralChecksForm: 403,
    agentCentralChecksForm: 403,
    maintenanceCreate: 403,
    maintenanceEnd: 403,
    discoveryStartForm: 403,
    discoveryDecideForm: 403,
  },
  operator: {
    apiFleet: 200,
    fleetPage: 200,
    enrollmentCodes: 200,
    enrollmentCodeCreate: 200,
    enrollmentCodeRevoke: 303,
    overview: 200,
    audit: 403,
    unitPage: 200,
    report: 200,
    signoff: 403,
    apiUnits: 200,
    apiUnit: 200,
    apiChecks: 200,
    apiSummary: 200,
    apiIncidents: 200,
    apiInventory: 200,
    apiMaintenance: 200,
    apiMaintenanceCreate: 201,
    apiMaintenanceEnd: 404,
    apiCentralChecks: 200,
    apiCentralChecksUpdate: 200,
    apiAgentCentralChecks: 200,
    apiAgentCentralChecksUpdate: 200,
    centralChecksForm: 303,
    agentCentralChecksForm: 303,
    maintenanceCreate: 303,
    maintenanceEnd: 404,
    discoveryStartForm: 409,
    discoveryDecideForm: 404,
  },
  admin: {
    apiFleet: 200,
    fleetPage: 200,
    enrollmentCodes: 200,
    enrollmentCodeCreate: 200,
    enrollmentCodeRevoke: 303,
    overview: 200,
    audit: 200,
    unitPage: 200,
    report: 200,
    signoff: 403,
    apiUnits: 200,
    apiUnit: 200,
    apiChecks: 200,
    apiSummary: 200,
    apiIncidents: 200,
    apiInventory: 200,
    apiMaintenance: 200,
    apiMaintenanceCreate: 201,
    apiMaintenanceEnd: 404,
    apiCentralChecks: 200,
    apiCentralChecksUpdate: 200,
    apiAgentCentralChecks: 200,
    apiAgentCentralChecksUpdate: 200,
    centralChecksForm: 303,
    agentCentralChecksForm: 303,
    maintenanceCreate: 303,
    maintenanceEnd: 404,
    discoveryStartForm: 409,
    discoveryDecideForm: 404,
  },
};

async function as(role: string): Promise<Browser> {
  const found = browsers.get(role);
  if (found) return found;
  const browser = new Browser(collector.url);
  const answer = await browser.login(`${role}-user`, PASSWORD);
  expect(answer.status).toBe(303);
  browsers.set(role, browser);
  return browser;
}

/**
 * A complete sign-off form of a period long over; a POST that the guard lets through records it
 * and redirects.
 */
const SIGNOFF = {
  period: "2025-11",
  date: "2025-12-01",
  findings: "LAN and website checked.",
  confirm: "yes",
};

/** The form each POST route takes: one the handler accepts once the guard lets it through. */
const FORMS: Partial<Record<RouteName, Record<string, string>>> = {
  signoff: SIGNOFF,
  enrollmentCodeCreate: { uses: "2", days: "7" },
  centralChecksForm: { checks: "[]" },
  agentCentralChecksForm: { checks: "[]" },
  discoveryDecideForm: { decision: "ignore" },
  // The form's fields: a one-off window an hour from now, as a browser writes Vietnam time.
  maintenanceCreate: {
    reason: "Nâng cấp máy chủ",
    every: "once",
    from: vietnamLocal(Date.now() + 3_600_000),
    to: vietnamLocal(Date.now() + 7_200_000),
  },
};

/** A time as a datetime-local field holds it, in Vietnam time: 2026-12-12T22:00. */
function vietnamLocal(ms: number): string {
  return new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16);
}

/** A window for unit-b an hour from now: created by those who may plan its maintenance. */
const WINDOW = () => ({
  units: ["unit-b"],
  from: new Date(Date.now() + 3_600_000).toISOString(),
  to: new Date(Date.now() + 7_200_000).toISOString(),
  reason: "Nâng cấp máy chủ",
});

async function send(browser: Browser, route: RouteName, csrf?: string) {
  const { method, path } = REQUESTS[route];
  if (method === "GET") return browser.get(path);
  if (route === "apiMaintenanceCreate") return browser.postJson(path, WINDOW(), csrf);
  if (route === "apiMaintenanceEnd") return browser.postJson(path, undefined, csrf);
  if (route === "apiCentralChecksUpdate" || route === "apiAgentCentralChecksUpdate") {
    return browser.request("PUT", path, JSON.stringify({ checks: [] }), {
      "Content-Type": "application/json",
      ...(csrf ? { "X-CSRF-Token": csrf } : {}),
    });
  }
  const form = FORMS[route] ?? {};
  return browser.post(path, csrf ? { ...form, _csrf: csrf } : form);
}

beforeAll(async () => {
  collector = await testCollector();
  await addUsers(collector.config.database, [
    { name: "city-user", role: "city" },
    { name: "unit-user", role: "unit", unit: "unit-a", leader: true },
    { name: "operator-user", role: "operator" },
    { name: "admin-user", role: "admin" },
  ]);
});
afterAll(() => collector.stop());

describe("without a session", () => {
  it.each(
    Object.keys(REQUESTS).filter(
      (r) =>
        !["healthz", "metrics", "loginPage", "login", "agentEnroll", "agentPackage"].includes(r),
    ) as RouteName[],
  )("%s sends pages to the login form and answers the API with 401", async (route) => {
    const answer = await send(new Browser(collector.url), route);
    const path = REQUESTS[route].path;
    if (path.startsWith("/api/")) {
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toEqual({ error: "log in first" });
    } else {
      expect(answer.status).toBe(303);
      expect(answer.headers.get("location")).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
  });

  it("answers a package download without an agent's token with 401, whatever the session", async () => {
    const answer = await send(new Browser(collector.url), "agentPackage");
    expect(answer.status).toBe(401);
    expect(answer.text).toBe("missing, unknown or revoked agent token\n");
  });

  it("leaves /healthz open and shows the login form", async () => {
    const browser = new Browser(collector.url);
    expect((await browser.get("/healthz")).status).toBe(200);
    const login = await browser.get("/login?next=%2Funits%2Funit-a");
    expect(login.status).toBe(200);
    expect(login.text).toContain('name="next" value="/units/unit-a"');
    expect(login.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});

describe("roles", () => {
  for (const [role, expected] of Object.entries(EXPECTED)) {
    it(`${role}: ${JSON.stringify(expected)}`, async () => {
      const browser = await as(role);
      const csrf = await browser.csrf();
      const got: Partial<Record<RouteName, number>> = {};
      for (const route of Object.keys(expected) as RouteName[]) {
        got[route] = (await send(browser, route, csrf)).status;
      }
      expect(got).toEqual(expected);
    });
  }

  it("a unit user gets 403 on another unit's page, report, API and sign-off, and reaches its own", async () => {
    const leader = await as("unit");
    const csrf = await leader.csrf();
    const other = [
      await leader.get("/units/unit-b"),
      await leader.get("/reports/unit-b?period=2026-11"),
      await leader.get("/api/v1/units/unit-b"),
      await leader.post("/units/unit-b/signoff", { ...SIGNOFF, _csrf: csrf }),
    ];
    expect(other.map((a) => a.status)).toEqual([403, 403, 403, 403]);
    expect(visibleText(other[0]?.text ?? "")).toContain(
      "unit-user (unit of unit-a) may not read unit unit-b",
    );
    expect(JSON.parse(other[2]?.text ?? "")).toEqual({
      error: "unit-user (unit of unit-a) may not read unit unit-b",
    });
    const own = [
      await leader.get("/units/unit-a"),
      await leader.get("/reports/unit-a?period=2026-11"),
      await leader.get("/api/v1/units/unit-a"),
      await leader.post("/units/unit-a/signoff", { ...SIGNOFF, _csrf: csrf }),
    ];
    expect(own.map((a) => a.status)).toEqual([200, 200, 200, 303]);
    const staff = new Browser(collector.url);
    await addUsers(collector.config.database, [
      { name: "staff-user", role: "unit", unit: "unit-a" },
    ]);
    expect((await staff.login("staff-user", PASSWORD)).status).toBe(303);
    const notLeader = await staff.post("/units/unit-a/signoff", {
      ...SIGNOFF,
      _csrf: await staff.csrf(),
    });
    expect(notLeader.status).toBe(403);
  });

  it("shows a unit user only its own unit on the overview", async () => {
    collector.enroll("unit-b", "b-secret-host");
    const page = (await (await as("unit")).get("/")).text;
    expect(page).toContain("Unit A");
    expect(page).not.toContain("Unit B");
    expect(page).not.toContain("b-secret-host");
    expect((await (await as("city")).get("/")).text).toContain("Unit B");
    expect((await (await as("city")).get("/units/unit-b")).text).toContain("b-secret-host");
  });

  it("cuts the API's lists down to a unit user's own unit", async () => {
    const leader = await as("unit");
    const units = JSON.parse((await leader.get("/api/v1/units")).text) as {
      units: { id: string }[];
    };
    expect(units.units.map((u) => u.id)).toEqual(["unit-a"]);
    const incidents = await leader.get("/api/v1/incidents");
    expect(incidents.status).toBe(200);
    const other = await leader.get("/api/v1/inventory?unit=unit-b");
    expect(other.status).toBe(403);
    expect(JSON.parse(other.text)).toEqual({ error: 'unit: you may read only unit "unit-a"' });
    const city = JSON.parse((await (await as("city")).get("/api/v1/units")).text) as {
      units: { id: string }[];
    };
    expect(city.units.map((u) => u.id)).toEqual(["unit-a", "unit-b"]);
  });

  it("shows the audit log to admins, escaped", async () => {
    const db = openDatabase(collector.config.database);
    recordAudit(
      db,
      { actor: "cli:root", action: "enroll", unit: "unit-a", target: "<script>x</script>" },
      Date.now(),
    );
    db.close();
    const page = (await (await as("admin")).get("/audit")).text;
    expect(page).toContain("&lt;script&gt;x&lt;/script&gt;");
    expect(page).not.toContain("<script>");
    expect(visibleText(page)).toContain(
      "cli:root Cấp mã cho máy giám sát unit-a <script>x</script>",
    );
  });
});

describe("CSRF", () => {
  it("refuses a POST without the token, with another session's token, or from another origin", async () => {
    const leader = await as("unit");
    const mine = await leader.csrf();
    const theirs = await (await as("city")).csrf();
    const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
      leader.post("/units/unit-a/signoff", form, headers);
    const refused = [
      await post({}),
      await post({ _csrf: theirs }),
      await post({ _csrf: mine }, { Origin: "https://evil.example" }),
      await post({ _csrf: mine }, { "Sec-Fetch-Site": "cross-site" }),
    ];
    expect(refused.map((a) => a.status)).toEqual([403, 403, 403, 403]);
    const said = refused.map((a) => /403: ([^<]*)/.exec(a.text)?.[1]);
    expect(said).toEqual([
      "refused: the form has no CSRF token; reload the page and try again",
      "refused: the form has a wrong CSRF token; reload the page and try again",
      "refused: the form comes from another origin; reload the page and try again",
      "refused: the form comes from another site; reload the page and try again",
    ]);
    const host = new URL(collector.url).host;
    expect((await post({ ...SIGNOFF, _csrf: mine }, { Origin: `http://${host}` })).status).toBe(
      303,
    );
  });

  it("refuses a logout without the token and a login without the login form's token", async () => {
    const browser = new Browser(collector.url);
    await addUsers(collector.config.database, [{ name: "csrf-user", role: "city" }]);
    const noForm = await browser.post("/login", { name: "csrf-user", password: PASSWORD });
    expect(noForm.status).toBe(403);
    expect((await browser.login("csrf-user", PASSWORD)).status).toBe(303);
    expect((await browser.post("/logout", {})).status).toBe(403);
    expect((await browser.get("/")).status).toBe(200);
  });
});

describe("login and sessions", () => {
  it("refuses a wrong password or name with the same answer and sets no session", async () => {
    const browser = new Browser(collector.url);
    for (const [name, password] of [
      ["city-user", "wrong password!"],
      ["nobody", PASSWORD],
    ] as const) {
      const answer = await browser.login(name, password);
      expect(answer.status).toBe(401);
      expect(visibleText(answer.text)).toContain("Sai tên đăng nhập hoặc mật khẩu.");
      expect([...browser.cookies.keys()]).toEqual(["giamsat_csrf"]);
    }
  });

  it("sets an HttpOnly SameSite cookie, goes back to the page asked for, and only to this site", async () => {
    const browser = new Browser(collector.url);
    const answer = await browser.login("city-user", PASSWORD, "/units/unit-b");
    expect(answer.headers.get("location")).toBe("/units/unit-b");
    const cookie = answer.headers.getSetCookie().find((c) => c.startsWith("giamsat_session="));
    expect(cookie).toMatch(
      /^giamsat_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/,
    );
    const elsewhere = await new Browser(collector.url).login(
      "city-user",
      PASSWORD,
      "//evil.example/x",
    );
    expect(elsewhere.headers.get("location")).toBe("/");
  });

  it("ends the session at logout and when it expires", async () => {
    const browser = new Browser(collector.url);
    await browser.login("city-user", PASSWORD);
    const kept = new Map(browser.cookies);
    expect((await browser.post("/logout", { _csrf: await browser.csrf() })).status).toBe(303);
    expect((await browser.get("/")).status).toBe(303);
    const replay = new Browser(collector.url);
    for (const [k, v] of kept) replay.cookies.set(k, v);
    expect((await replay.get("/")).status).toBe(303);

    const later = new Browser(collector.url);
    await later.login("city-user", PASSWORD);
    expect((await later.get("/")).status).toBe(200);
    const db = openDatabase(collector.config.database);
    const cookie = later.cookies.get("giamsat_session") ?? "";
    db.prepare("UPDATE sessions SET expires_at = ? WHERE hash = ?").run(
      Date.now() - 1,
      createHash("sha256").update(cookie).digest(),
    );
    db.close();
    expect((await later.get("/")).status).toBe(303);
  });

  it("slows down failed logins from one address: 429 past the limit, even for the right password", async () => {
    const strict = await testCollector({ limits: { loginFailuresPerMinute: 3 } });
    try {
      await addUsers(strict.config.database, [{ name: "someone", role: "city" }]);
      const browser = new Browser(strict.url);
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await browser.login("someone", "not it at all")).status);
      const right = await browser.login("someone", PASSWORD);
      expect([...statuses, right.status]).toEqual([401, 401, 401, 429, 429]);
      expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(visibleText(right.text)).toMatch(
        /Đăng nhập sai quá nhiều lần: xin thử lại sau \d+ giây/,
      );
    } finally {
      await strict.stop();
    }
  });
});

describe("strict input", () => {
  it.each([
    ["/?x=1", 400, 'query: unknown key "x"'],
    [
      "/audit?before=abc",
      400,
      "query parameter before: Invalid string: must match pattern /^\\d{1,15}$/",
    ],
    ["/login?next=/a&next=/b", 400, "query parameter next: given twice"],
    ["/units/Unit_B", 404, 'no unit "Unit_B"'],
    ["/units/unit-a%2F..%2Funit-b", 404, "no page at /units/unit-a%2F..%2Funit-b"],
    ["/nowhere", 404, "no page at /nowhere"],
    ["/logout", 405, "GET is not allowed on /logout"],
  ])("GET %s: %i %s", async (path, status, message) => {
    const answer = await (await as("admin")).get(path);
    expect(answer.status).toBe(status);
    expect(answer.headers.get("content-type")).toBe("text/html; charset=utf-8");
    // The page says it in words; the collector's own message is there for IT staff.
    expect(visibleText(answer.text)).toContain(`${status}: ${message}`);
  });

  it("refuses form bodies that are not url-encoded or too large", async () => {
    const leader = await as("unit");
    const json = await leader.request("POST", "/units/unit-a/signoff", "{}", {
      "Content-Type": "application/json",
    });
    expect(json.status).toBe(415);
    const big = await leader.post("/units/unit-a/signoff", { pad: "x".repeat(20_000) });
    expect(big.status).toBe(413);
  });
});

describe("web.auth: false", () => {
  it("lets anyone on loopback in, says so on the page, and still checks CSRF", async () => {
    const open = await testCollector({ web: { auth: false } });
    try {
      const browser = new Browser(open.url);
      const page = await browser.get("/");
      expect(page.status).toBe(200);
      expect(page.text).toContain("Không cần đăng nhập (web.auth: false)");
      expect((await browser.get("/?lang=en")).text).toContain("Logins are off (web.auth: false)");
      expect((await browser.post("/logout", {})).status).toBe(403);
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await browser.get("/login")).text)?.[1];
      expect((await browser.post("/logout", { _csrf: csrf ?? "" })).status).toBe(303);
      // A sign-off is a leader's, with their own account: without logins nobody signs.
      const signed = await browser.post("/units/unit-a/signoff", { ...SIGNOFF, _csrf: csrf ?? "" });
      expect(signed.status).toBe(403);
      expect((await browser.get("/units/unit-a")).text).not.toContain('id="signoff-form"');
    } finally {
      await open.stop();
    }
  });
});
