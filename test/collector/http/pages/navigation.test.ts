// The site's navigation as each role sees it: the fleet page is linked for those who look after
// agents (operators, admins) and for a unit's own users, in the reader's language, and the link
// leads to the page; the city's readers are not led there.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestCollector, testCollector } from "../../../helpers/collector.js";
import { visibleText } from "../../../helpers/pages.js";
import { addUsers, Browser, PASSWORD } from "../../../helpers/web.js";

let collector: TestCollector;
beforeAll(async () => {
  collector = await testCollector();
  await addUsers(collector.config.database, [
    { name: "reader", role: "city" },
    { name: "it-a", role: "unit", unit: "unit-a" },
    { name: "ops", role: "operator" },
    { name: "root", role: "admin" },
  ]);
});
afterAll(() => collector.stop());

/** The links of the page's navigation bar, as `href → words`. */
function navLinks(page: string): string[] {
  const nav = /<nav aria-label="[^"]*">([\s\S]*?)<\/nav>/.exec(page)?.[1] ?? "";
  return [...nav.matchAll(/<a href="([^"]*)">([^<]*)<\/a>/g)].map((m) => `${m[1]} → ${m[2]}`);
}

async function loggedIn(name: string): Promise<Browser> {
  const browser = new Browser(collector.url);
  expect((await browser.login(name, PASSWORD)).status).toBe(303);
  return browser;
}

describe("the navigation", () => {
  it.each(["it-a", "ops", "root"])(
    "links the fleet page for %s, in Vietnamese and in English, and the link opens it",
    async (name) => {
      const browser = await loggedIn(name);
      const vi = navLinks((await browser.get("/")).text);
      expect(vi).toContain("/fleet → Máy giám sát");
      const en = navLinks((await browser.get("/?lang=en")).text);
      expect(en).toContain("/fleet?lang=en → Agents");
      expect(en).not.toContain("/fleet → Máy giám sát");
      const fleet = await browser.get("/fleet");
      expect(fleet.status).toBe(200);
      expect(visibleText(fleet.text)).toContain("Các máy giám sát");
      const fleetEn = await browser.get("/fleet?lang=en");
      expect(fleetEn.status).toBe(200);
      expect(fleetEn.text).toContain("<h1>Agents</h1>");
    },
  );

  it("does not link the fleet page for the city's readers, whose pages are status and reports", async () => {
    const browser = await loggedIn("reader");
    const links = navLinks((await browser.get("/")).text);
    expect(links).toEqual(["/ → Tổng quan", "/reports → Báo cáo tổng hợp"]);
  });
});
