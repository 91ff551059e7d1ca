// The unit page's discovery section over HTTP, against a running collector and an agent on a real
// socket: the unit's own user starts a run with the page's button, sees what the agent found in
// words with the proposed checks and dependencies, approves and ignores devices with the page's
// forms (the same decisions, audit and central checks as the API), and never sees a credential; a
// user of another unit gets 403 on every form, and a city viewer does not get the section. The
// section says when the unit's schedule runs next (on the schedules' test clock). A check box per
// proposed check chooses which are approved. A switch approved through the API after its printer
// becomes the printer's checks' dependsOn.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../../../../collector/auth/audit.js";
import { openDatabase } from "../../../../collector/db/database.js";
import { listCentralChecks } from "../../../../collector/fleet/central-checks.js";
import type { CollectorMessage } from "../../../../shared/protocol.js";
import { RawAgent, type TestCollector, testCollector } from "../../../helpers/collector.js";
import { element, visibleText } from "../../../helpers/pages.js";
import { vn } from "../../../helpers/store.js";
import { addUsers, Browser, PASSWORD } from "../../../helpers/web.js";

const COMMUNITY = "cong-dong-bi-mat";
let collector: TestCollector;
let agent: RawAgent;

async function as(name: string): Promise<Browser> {
  const browser = new Browser(collector.url);
  expect((await browser.login(name, PASSWORD)).status).toBe(303);
  return browser;
}

/**
 * The page's form for an action: where it posts, its hidden fields, and the check boxes of the
 * page that belong to it (form="<its id>") and are ticked, as a browser would send them.
 */
function formOf(
  page: string,
  action: string,
  decision?: string,
): [string, Record<string, string>, string[]] {
  const pattern = new RegExp(
    `<form method="post"([^>]*)action="(${action})"[^>]*>([\\s\\S]*?)</form>`,
  );
  const forms = [...page.matchAll(new RegExp(pattern, "g"))];
  const found = forms.find(
    ([, , , inside]) => decision === undefined || inside?.includes(`value="${decision}"`),
  );
  if (!found) throw new Error(`no form posting to ${action} (${decision ?? "any"}) on the page`);
  const fields = Object.fromEntries(
    [...(found[3] ?? "").matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(
      ([, name, value]) => [name as string, value as string],
    ),
  );
  const id = /id="([^"]+)"/.exec(found[1] ?? "")?.[1];
  const ticked = id
    ? [
        ...page.matchAll(
          /<input type="checkbox" form="([^"]+)" name="check" value="([^"]+)" checked>/g,
        ),
      ]
        .filter(([, form]) => form === id)
        .map(([, , value]) => value as string)
    : [];
  return [found[2] as string, fields, ticked];
}

/** The fields of a form with the check boxes ticked: each ticked box sends `check` once. */
function withChecks(fields: Record<string, string>, ticked: string[]): [string, string][] {
  return [...Object.entries(fields), ...ticked.map((name): [string, string] => ["check", name])];
}

beforeAll(async () => {
  collector = await testCollector(
    {
      units: [
        {
          id: "unit-a",
          name: "Unit A",
          discovery: {
            networks: ["10.20.1.0/24"],
            snmp: [{ community: COMMUNITY }],
            schedule: { every: "weekly", days: ["sun"], at: "02:00", networks: ["10.20.1.0/25"] },
          },
        },
        { id: "unit-b", name: "Unit B" },
      ],
    },
    // A Monday: the schedule's next time is next Sunday's 02:00.
    { scheduleClock: () => vn("10:00:00", "2027-03-01") },
  );
  await addUsers(collector.config.database, [
    { name: "it-a", role: "unit", unit: "unit-a" },
    { name: "it-b", role: "unit", unit: "unit-b" },
    { name: "viewer", role: "city" },
  ]);
  agent = new RawAgent(collector.url, collector.enroll("unit-a", "pc-01"));
  await agent.opened;
  agent.send({
    type: "hello",
    v: 1,
    agentVersion: "test",
    hostname: "pc-01",
    os: "test",
    bootId: "b",
    features: ["discovery"],
  });
  await agent.next((m) => m.type === "welcome");
});
afterAll(async () => {
  agent?.close();
  await collector?.stop();
});

describe("the unit page's discovery section", () => {
  it("starts a run with the page's button and shows what the agent found, in words", async () => {
    const browser = await as("it-a");
    const before = (await browser.get("/units/unit-a")).text;
    expect(visibleText(element(before, "h2", 'id="discovery"'))).toBe(
      "Thiết bị phát hiện trên mạng LAN",
    );
    expect(visibleText(before)).toContain("Chưa dò tìm lần nào.");
    expect(visibleText(element(before, "p", 'id="discovery-next"'))).toBe(
      "Lần dò tìm theo lịch tiếp theo: 02:00 07/03/2027 (10.20.1.0/25).",
    );
    const api = JSON.parse((await browser.get("/api/v1/units/unit-a/discovery")).text);
    expect(api.next).toEqual({
      at: vn("02:00:00", "2027-03-07"),
      waiting: false,
      schedule: { every: "weekly", days: ["sun"], at: "02:00", networks: ["10.20.1.0/25"] },
    });
    const [action, fields] = formOf(before, "/units/unit-a/discovery");
    const started = await browser.post(action, fields);
    expect(started.status).toBe(303);
    expect(started.headers.get("location")).toBe("/units/unit-a#discovery");

    const asked = (await agent.next((m) => m.type === "discover")) as Extract<
      CollectorMessage,
      { type: "discover" }
    >;
    expect(asked.networks).toEqual(["10.20.1.0/24"]);
    agent.send({
      type: "discovery",
      id: asked.id,
      state: "done",
      progress: { swept: 254, total: 254 },
      devices: [
        {
          address: "10.20.1.2",
          foundBy: ["icmp"],
          type: "switch",
          sysName: "sw-tang-2",
          snmpCredential: 0,
        },
        {
          address: "10.20.1.30",
          foundBy: ["icmp"],
          type: "printer",
          sysName: "may-in-tang-2",
          snmpCredential: 0,
          neighbours: [{ sysName: "sw-tang-2" }],
        },
        { address: "10.20.1.40", foundBy: ["tcp"], type: "host", openPorts: [443] },
      ],
    });
    await expect
      .poll(async () => (await browser.get("/units/unit-a")).text)
      .toContain('data-state="done"');

    const page = (await browser.get("/units/unit-a")).text;
    expect(visibleText(element(page, "p", 'id="discovery-run"'))).toMatch(
      /^Lần dò tìm gần nhất: đã xong, bắt đầu .+, kết thúc .+\.$/,
    );
    const row = (address: string) => visibleText(element(page, "tr", `data-device="${address}"`));
    expect(row("10.20.1.30")).toBe(
      "10.20.1.30 may-in-tang-2 Máy in mới chưa quyết định may-in-tang-2 (Kết nối mạng (ping)) may-in-tang-2-printer (Máy in) 10.20.1.2 (sw-tang-2) Phê duyệt Bỏ qua",
    );
    expect(row("10.20.1.40")).toBe(
      "10.20.1.40 — Máy chủ, máy trạm mới chưa quyết định host-10-20-1-40 (Kết nối mạng (ping)) host-10-20-1-40-https (Trang web, dịch vụ web (HTTP)) — Phê duyệt Bỏ qua",
    );
    expect(row("10.20.1.2")).toContain("Bộ chuyển mạch (switch) mới chưa quyết định");
    const en = visibleText((await browser.get("/units/unit-a?lang=en")).text);
    expect(en).toContain("Devices found on the LAN");
    expect(en).toContain("10.20.1.30 may-in-tang-2 Printer new not decided");
    expect(page).not.toContain(COMMUNITY);
  });

  it("approves and ignores devices with the page's forms, as the API would, and audits both", async () => {
    const browser = await as("it-a");
    const page = (await browser.get("/units/unit-a")).text;
    const devices = "/units/unit-a/discovery/devices/";
    for (const [address, decision] of [
      ["10.20.1.30", "approve"],
      ["10.20.1.40", "ignore"],
    ] as const) {
      const [action, fields, ticked] = formOf(
        page,
        `${devices}${address.replaceAll(".", "\\.")}`,
        decision,
      );
      // Every proposed check's box is ticked until the person unticks one.
      if (decision === "approve") {
        expect(ticked).toEqual(["may-in-tang-2", "may-in-tang-2-printer"]);
      }
      const answer = await browser.post(action, withChecks(fields, ticked));
      expect(answer.status).toBe(303);
      expect(answer.headers.get("location")).toBe("/units/unit-a#discovery");
    }

    const api = JSON.parse((await browser.get("/api/v1/units/unit-a/discovery")).text) as {
      devices: { address: string; decision: string | null }[];
    };
    expect(api.devices.map((d) => [d.address, d.decision])).toEqual([
      ["10.20.1.2", null],
      ["10.20.1.30", "approved"],
      ["10.20.1.40", "ignored"],
    ]);
    const after = (await browser.get("/units/unit-a")).text;
    const row = (address: string) => visibleText(element(after, "tr", `data-device="${address}"`));
    expect(row("10.20.1.30")).toMatch(/ đã phê duyệt .* Bỏ qua$/);
    expect(row("10.20.1.30")).not.toContain("Phê duyệt");
    expect(row("10.20.1.40")).toMatch(/ đã bỏ qua .* Phê duyệt$/);
    expect(after).not.toContain(COMMUNITY);

    const db = openDatabase(collector.config.database);
    try {
      const central = listCentralChecks(db, "unit-a").map((c) => c.check.name);
      expect(central).toEqual(["may-in-tang-2", "may-in-tang-2-printer"]);
      const audit = listAudit(db, { limit: 10 })
        .filter((e) => e.action === "discovery.decide")
        .map((e) => [e.actor, e.target]);
      expect(audit).toEqual(
        expect.arrayContaining([
          ["it-a", "10.20.1.30"],
          ["it-a", "10.20.1.40"],
        ]),
      );
    } finally {
      db.close();
    }
  });

  it("refuses a decision the form did not say, naming it", async () => {
    const browser = await as("it-a");
    const [action, fields] = formOf(
      (await browser.get("/units/unit-a")).text,
      "/units/unit-a/discovery/devices/10\\.20\\.1\\.2",
      "approve",
    );
    const answer = await browser.post(action, { ...fields, decision: "maybe" });
    expect(answer.status).toBe(400);
    expect(visibleText(answer.text)).toContain('400: decision: must be "approve" or "ignore"');
  });

  it("gives another unit's user 403 on every form and a city viewer no section", async () => {
    const other = await as("it-b");
    const csrf = await other.csrf();
    const answers = [
      await other.post("/units/unit-a/discovery", { _csrf: csrf }),
      await other.post("/units/unit-a/discovery/devices/10.20.1.2", {
        _csrf: csrf,
        decision: "approve",
      }),
    ];
    expect(answers.map((a) => a.status)).toEqual([403, 403]);
    expect(visibleText(answers[1]?.text ?? "")).toContain(
      "it-b (unit of unit-b) may not discover unit unit-a",
    );
    const api = JSON.parse(
      (await (await as("it-a")).get("/api/v1/units/unit-a/discovery")).text,
    ) as {
      devices: { address: string; decision: string | null }[];
    };
    expect(api.devices.find((d) => d.address === "10.20.1.2")?.decision).toBeNull();
    const viewer = (await (await as("viewer")).get("/units/unit-a")).text;
    expect(viewer).not.toContain('id="discovery"');
    expect(viewer).not.toContain('id="discovery-devices"');
    expect(viewer).not.toContain("Phê duyệt");
  });

  it("lists the devices found among the unit's equipment, for everyone who reads the unit", async () => {
    const page = (await (await as("viewer")).get("/units/unit-a")).text;
    const table = element(page, "table", 'id="lan-devices"');
    const rows = [...table.matchAll(/<tr data-lan-device="([^"]+)">/g)].map((m) => m[1]);
    // The ignored host is left out, as from the summary's count.
    expect(rows).toEqual(["10.20.1.2", "10.20.1.30"]);
    expect(visibleText(element(table, "tr", 'data-lan-device="10.20.1.30"'))).toMatch(
      /^10\.20\.1\.30 may-in-tang-2 Máy in — \d\d:\d\d \d\d\/\d\d\/\d{4} \d\d:\d\d \d\d\/\d\d\/\d{4}$/,
    );
    expect(visibleText(page)).toContain("Thiết bị trên mạng LAN (do dò tìm phát hiện)");
    expect(page).not.toContain(COMMUNITY);
  });

  it("approves only the checks whose boxes stay ticked, and refuses none or one it did not propose", async () => {
    const browser = await as("it-a");
    const page = (await browser.get("/units/unit-a")).text;
    const [action, fields, ticked] = formOf(
      page,
      "/units/unit-a/discovery/devices/10\\.20\\.1\\.40",
      "approve",
    );
    expect(ticked).toEqual(["host-10-20-1-40", "host-10-20-1-40-https"]);
    const none = await browser.post(action, withChecks(fields, []));
    expect(none.status).toBe(400);
    expect(visibleText(none.text)).toContain(
      "400: check: no check ticked for 10.20.1.40; tick those to approve, or ignore the device",
    );
    const other = await browser.post(action, withChecks(fields, ["may-in-tang-2"]));
    expect(other.status).toBe(400);
    expect(visibleText(other.text)).toContain(
      '400: check: "may-in-tang-2" is not a check proposed for 10.20.1.40',
    );

    // The person unticks the HTTPS check: the host is approved with its ping check alone.
    const answer = await browser.post(action, withChecks(fields, ["host-10-20-1-40"]));
    expect(answer.status).toBe(303);
    const central = JSON.parse((await browser.get("/api/v1/units/unit-a/central-checks")).text) as {
      checks: { check: { name: string } }[];
    };
    expect(central.checks.map((c) => c.check.name)).toEqual([
      "may-in-tang-2",
      "may-in-tang-2-printer",
      "host-10-20-1-40",
    ]);
    const after = (await browser.get("/units/unit-a")).text;
    const row = visibleText(element(after, "tr", 'data-device="10.20.1.40"'));
    expect(row).toMatch(/ đã phê duyệt .* Bỏ qua$/);
    expect(element(after, "tr", 'data-device="10.20.1.40"')).not.toContain('type="checkbox"');
  });

  it("makes the printer approved before depend on its switch once the API approves the switch", async () => {
    const browser = await as("it-a");
    const answer = await browser.postJson(
      "/api/v1/units/unit-a/discovery/devices/10.20.1.2",
      { decision: "approve" },
      await browser.csrf(),
    );
    expect(answer.status).toBe(200);
    const central = JSON.parse((await browser.get("/api/v1/units/unit-a/central-checks")).text) as {
      checks: { check: { name: string; dependsOn?: string[] } }[];
    };
    expect(central.checks.map((c) => [c.check.name, c.check.dependsOn])).toEqual([
      ["may-in-tang-2", ["sw-tang-2"]],
      ["may-in-tang-2-printer", ["sw-tang-2"]],
      ["host-10-20-1-40", undefined],
      ["sw-tang-2", undefined],
      ["sw-tang-2-snmp", undefined],
    ]);
  });
});
