// What the pages owe readers who see less well or use a screen reader: every status colour reads
// at 4.5:1 or more against the white page (WCAG 2.1 AA for text; 3:1 for the timeline's fills, as
// for graphics), and every check kind the agent knows has words in both languages.
import { describe, expect, it } from "vitest";
import { PROBES } from "../../../../agent/probes/index.js";
import { KINDS, LANGUAGES } from "../../../../collector/http/pages/i18n/index.js";
import { CSS, TIMELINE_FILL } from "../../../../collector/http/pages/styles.js";

/** Relative luminance of an sRGB colour, as WCAG 2.1 defines it. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio */
function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

describe("colours", () => {
  it("gives every status word 4.5:1 against white", () => {
    // The variables the status classes (.s-ok, .s-degraded, ...) are drawn in, as the page has them.
    const variables = [
      ...String(CSS).matchAll(/--(ok|degraded|down|nodata|maint):(#[0-9a-f]{6})/g),
    ];
    expect(variables.map((m) => m[1])).toEqual(
      expect.arrayContaining(["ok", "degraded", "down", "nodata"]),
    );
    const low = variables
      .map((m) => ({
        name: m[1],
        colour: m[2] as string,
        ratio: contrast(m[2] as string, "#ffffff"),
      }))
      .filter((v) => v.ratio < 4.5)
      .map((v) => `${v.name} ${v.colour}: ${v.ratio.toFixed(2)}:1`);
    expect(low).toEqual([]);
  });

  it("gives the timeline's fills 3:1 against white", () => {
    const low = Object.entries(TIMELINE_FILL)
      .map(([state, colour]) => ({ state, colour, ratio: contrast(colour, "#ffffff") }))
      .filter((v) => v.ratio < 3)
      .map((v) => `${v.state} ${v.colour}: ${v.ratio.toFixed(2)}:1`);
    expect(low).toEqual([]);
  });
});

describe("words", () => {
  it("has words for every check kind the agent knows, in both languages", () => {
    expect(PROBES.map((p) => p.kind).sort()).toEqual([...KINDS].sort());
    for (const t of Object.values(LANGUAGES)) {
      for (const kind of KINDS) expect(t.kinds[kind], kind).toMatch(/\S/);
    }
  });
});
