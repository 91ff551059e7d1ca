// The leaders' pages in a real browser (Debian's Chromium), at an office screen's width (1366 px)
// and a phone's (390 px), in both languages: nothing scrolls sideways, the fonts the style sheets
// name are the ones applied, the phone's first screen of the overview shows the worst unit and why,
// and the printed reports come out of Chromium's print as the administrative documents they are
// (one A4 page per unit, read back with pdftotext and pdfinfo). The screenshots of the leaders'
// guide are taken here, from a city whose clock is fixed, so they change only when a page does.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "../helpers/browser.js";
import { type City, city, NOW, PASSWORD } from "../helpers/city.js";
import { type StoreServer, serveStore } from "../helpers/city-server.js";
import { peer } from "../helpers/peers.js";
import { ROOT, tempDir } from "../helpers/processes.js";

const SHOTS = join(ROOT, "docs/leaders/screenshots");
const WIDTHS = [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
] as const;
const LANGS = ["vi", "en"] as const;

/** Every page a person reads, as who reads it. */
const PAGES = [
  { name: "login", path: "/login", user: undefined },
  { name: "overview", path: "/", user: "bcd112" },
  { name: "unit", path: "/units/so-tttt", user: "anh.lv" },
  { name: "signoff", path: "/units/so-tttt", user: "anh.lv", element: "#signoff-form" },
  { name: "unit-not-set-up", path: "/units/ubnd-son-tra", user: "bcd112" },
  { name: "report", path: "/reports/so-tttt?period=2026-11", user: "bcd112" },
  { name: "report-print", path: "/reports/so-xd?period=2026-11&view=print", user: "bcd112" },
  { name: "city-report", path: "/reports?period=2026-11", user: "bcd112" },
  { name: "audit", path: "/audit", user: "quantri" },
  { name: "error", path: "/units/khong-co", user: "bcd112" },
] as const;

let town: City;
let server: StoreServer;
let browser: Browser | undefined;
const contexts = new Map<string, BrowserContext>();
const dir = tempDir();
const pdftotext = peer("pdftotext");
const pdfinfo = peer("pdfinfo");
const pdffonts = peer("pdffonts");

beforeAll(async () => {
  town = await city();
  server = await serveStore(town.store, NOW);
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  for (const context of contexts.values()) await context.close();
  await browser?.close();
  await server?.close();
  town?.store.close();
  dir.remove();
});

/** A logged-in browser context for the user at this size. */
async function contextFor(
  user: string | undefined,
  size: (typeof WIDTHS)[number],
  lang: (typeof LANGS)[number] = "vi",
) {
  if (!browser) throw new Error("no browser");
  const key = `${user}/${size.width}/${lang}`;
  let context = contexts.get(key);
  if (!context) {
    // The browser's own language too, as a reader's would be (date fields follow it).
    context = await browser.newContext({
      viewport: size,
      locale: lang === "vi" ? "vi-VN" : "en-GB",
    });
    if (user) {
      const page = await context.newPage();
      await page.goto(`${server.url}/login`);
      await page.fill("input[name=name]", user);
      await page.fill("input[name=password]", PASSWORD);
      await Promise.all([page.waitForURL(`${server.url}/`), page.click("form.login button")]);
      await page.close();
    }
    contexts.set(key, context);
  }
  return context;
}

async function open(
  path: string,
  user: string | undefined,
  size: (typeof WIDTHS)[number],
  lang: (typeof LANGS)[number] = "vi",
) {
  const page = await (await contextFor(user, size, lang)).newPage();
  page.on("dialog", (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
  await page.goto(`${server.url}${path}`);
  return page;
}

function withLang(path: string, lang: string): string {
  if (lang === "vi") return path;
  return `${path}${path.includes("?") ? "&" : "?"}lang=en`;
}

/** Writes a screenshot only when it changed, so an unchanged page leaves the docs untouched. */
function keep(file: string, png: Buffer): void {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, file);
  if (existsSync(path) && readFileSync(path).equals(png)) return;
  writeFileSync(path, png);
}

describe.skipIf(!peer("chromium"))("the pages at 1366 px and 390 px, in both languages", () => {
  for (const size of WIDTHS) {
    for (const lang of LANGS) {
      it(`${size.width} px, ${lang}: no page scrolls sideways, and each has its fonts`, async () => {
        const problems: string[] = [];
        for (const { name, path, user, ...shot } of PAGES) {
          const page = await open(withLang(path, lang), user, size, lang);
          // Evaluated in the page, where document and window exist (not in this file's types).
          const measured = (await page.evaluate(`({
            scroll: document.documentElement.scrollWidth,
            width: window.innerWidth,
            lang: document.documentElement.lang,
            body: getComputedStyle(document.body).fontFamily,
            document: [...document.querySelectorAll(".document")].map(
              (d) => getComputedStyle(d).fontFamily,
            ),
          })`)) as {
            scroll: number;
            width: number;
            lang: string;
            body: string;
            document: string[];
          };
          if (measured.scroll > measured.width) {
            problems.push(`${name}: ${measured.scroll} px wide in a ${measured.width} px window`);
          }
          if (measured.lang !== lang) problems.push(`${name}: lang="${measured.lang}"`);
          if (measured.body !== '"Segoe UI", Roboto, "Noto Sans", Arial, sans-serif') {
            problems.push(`${name}: body font ${measured.body}`);
          }
          for (const family of measured.document) {
            if (!family.startsWith('"Times New Roman", "Liberation Serif"')) {
              problems.push(`${name}: document font ${family}`);
            }
          }
          const suffix = lang === "vi" ? "" : ".en";
          const part = "element" in shot ? page.locator(shot.element) : undefined;
          keep(`${name}-${size.width}${suffix}.png`, await (part ?? page).screenshot());
          await page.close();
        }
        expect(problems).toEqual([]);
      });
    }
  }

  it("shows the worst unit and its reason on the phone's first screen of the overview", async () => {
    const page = await open("/", "bcd112", WIDTHS[1]);
    const first = page.locator("tbody tr[data-unit]").first();
    const reason = first.locator("td[data-reason]");
    const box = await reason.boundingBox();
    expect(box).not.toBeNull();
    expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(844);
    expect(await first.getAttribute("data-unit")).toBe("bql-khu-cn");
    expect(await reason.textContent()).toContain("chưa kết nối lần nào");
    await page.close();
  });
});

/** The page printed to PDF by Chromium, as a browser's Print does with A4 paper. */
async function printed(path: string, file: string): Promise<string> {
  const page = await open(path, "bcd112", WIDTHS[0]);
  const pdf = join(dir.path, file);
  writeFileSync(pdf, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
  if (process.env.KEEP_PDF) writeFileSync(join("/tmp", file), readFileSync(pdf));
  await page.close();
  return pdf;
}

function pagesOf(pdf: string): number {
  const info = execFileSync(pdfinfo as string, [pdf], { encoding: "utf8" });
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
}

function textOf(pdf: string): string[] {
  return execFileSync(pdftotext as string, ["-layout", pdf, "-"], { encoding: "utf8" }).split("\f");
}

describe.skipIf(!peer("chromium") || !pdftotext || !pdfinfo)("the printed reports", () => {
  it("prints a month of twenty checks and two hundred incidents on exactly one A4 page", async () => {
    const pdf = await printed("/reports/so-xd?period=2026-11&view=print", "so-xd.pdf");
    expect(pagesOf(pdf)).toBe(1);
    const info = execFileSync(pdfinfo as string, [pdf], { encoding: "utf8" });
    expect(info).toMatch(/Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/);
    const [text = ""] = textOf(pdf);
    const words = text.replace(/\s+/g, " ");
    expect(words).toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    expect(words).toContain("Độc lập - Tự do - Hạnh phúc");
    expect(words).toContain("SỞ XÂY DỰNG");
    expect(words).toContain("Đà Nẵng, ngày 05 tháng 12 năm 2026");
    expect(words).toContain("Tháng 11/2026");
    expect(words).toContain("Nơi nhận:");
    expect(words).toContain("PHÓ GIÁM ĐỐC");
    expect(words).toContain("Lương Thị Mai");
    expect(words).toMatch(/200 sự cố/);
    expect(words).toMatch(/và 197 sự cố khác/);
  });

  it("prints in Liberation Serif, the Times New Roman of this machine", async () => {
    if (!pdffonts) return;
    const pdf = await printed("/reports/so-tttt?period=2026-11&view=print", "so-tttt.pdf");
    expect(pagesOf(pdf)).toBe(1);
    const fonts = execFileSync(pdffonts, [pdf], { encoding: "utf8" });
    expect(fonts).toMatch(/LiberationSerif/);
    expect(fonts).not.toMatch(/DejaVu/);
  });

  it("prints the city summary as one page of ranking, then one page per unit, numbered", async () => {
    const pdf = await printed("/reports?period=2026-11&view=print", "city.pdf");
    expect(pagesOf(pdf)).toBe(17);
    const pages = textOf(pdf);
    expect(pages[0]).toContain("Xếp hạng các đơn vị");
    expect(pages[0]?.replace(/\s+/g, " ")).toContain("UBND quận Sơn Trà");
    // Decree 30 numbers pages at the top centre from the second on.
    for (const n of [2, 9, 17]) {
      expect(pages[n - 1]?.trimStart().split("\n")[0]?.trim()).toBe(String(n));
    }
    expect(pages[1]?.replace(/\s+/g, " ")).toContain("BÁO CÁO");
  });

  it("prints the unit's report from its page the same as from the print view", async () => {
    const pdf = await printed("/reports/so-tttt?period=2026-11", "so-tttt-page.pdf");
    expect(pagesOf(pdf)).toBe(1);
    expect(textOf(pdf)[0]).not.toContain("In báo cáo");
  });
});
