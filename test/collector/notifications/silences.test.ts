// Maintenance windows mirrored as silences in a real Alertmanager: a window declared through the
// API is a silence matching its unit and checks from its start to its end, with its reason; ending
// the window early expires the silence.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Alertmanager } from "../../helpers/alertmanager.js";
import { type TestCollector, testCollector } from "../../helpers/collector.js";
import { peer } from "../../helpers/peers.js";
import { eventually } from "../../helpers/processes.js";
import { Browser } from "../../helpers/web.js";

const binary = peer("prometheus-alertmanager");
const HOUR = 3_600_000;

interface Silence {
  id: string;
  comment: string;
  createdBy: string;
  startsAt: string;
  endsAt: string;
  matchers: { name: string; value: string; isRegex: boolean }[];
  status: { state: string };
}

describe.skipIf(!binary)("maintenance as Alertmanager silences", () => {
  let am: Alertmanager;
  let collector: TestCollector;
  const silences = async () =>
    ((await (await fetch(`${am.url}/api/v2/silences`)).json()) as Silence[]).filter((s) =>
      s.comment.startsWith("giamsat maintenance"),
    );

  beforeAll(async () => {
    am = new Alertmanager(binary as string);
    await am.start();
    collector = await testCollector({
      web: { auth: false },
      notifications: {
        channels: [{ name: "am", type: "alertmanager", url: am.url }],
        routes: [{ channels: ["am"] }],
      },
    });
  });

  afterAll(async () => {
    await collector?.stop();
    await am?.stop();
  });

  it("silences the window's checks while it is on, and expires the silence when it is ended", async () => {
    const browser = new Browser(collector.url);
    // Logins are off: the form token is the login page's, kept in its cookie.
    const csrf = await browser.csrf("/login");
    const from = Date.now();
    const to = from + 2 * HOUR;
    const created = await browser.postJson(
      "/api/v1/maintenance",
      {
        units: ["unit-a"],
        checks: ["portal", "egov"],
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        reason: "Nâng cấp máy chủ",
      },
      csrf,
    );
    expect(created.status).toBe(201);
    const { id } = JSON.parse(created.text) as { id: number };
    const active = await eventually(
      async () => (await silences()).find((s) => s.status.state === "active"),
      20_000,
      "the window's silence",
    );
    expect(active.comment).toBe(`giamsat maintenance ${id}@${from}: Nâng cấp máy chủ`);
    expect(active.createdBy).toBe("local");
    expect(Date.parse(active.endsAt)).toBe(to);
    expect(active.matchers.map((m) => [m.name, m.value, m.isRegex]).sort()).toEqual([
      ["check", "egov|portal", true],
      ["unit", "unit-a", true],
    ]);

    expect((await browser.postJson(`/api/v1/maintenance/${id}/end`, undefined, csrf)).status).toBe(
      200,
    );
    await eventually(
      async () =>
        (await silences()).every((s) => s.status.state === "expired") ? true : undefined,
      20_000,
      "the silence expired",
    );
  });
});
