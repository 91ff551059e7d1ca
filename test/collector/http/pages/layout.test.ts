// The frame every page is drawn in: its style sheet reaches the browser as written (a CSS rule
// with quotes escaped as HTML is dropped by the browser, and the page falls back to Times).
import { describe, expect, it } from "vitest";
import { html } from "../../../../collector/http/pages/html.js";
import { chromeOf, layout } from "../../../../collector/http/pages/layout.js";
import { CSS } from "../../../../collector/http/pages/styles.js";

describe("the page frame", () => {
  it("writes the style sheet unescaped, quotes and all", () => {
    const page = layout(
      chromeOf(new URL("http://collector/"), html``),
      "Tổng quan",
      html`<p>x</p>`,
    );
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? "";
    expect(style).not.toContain("&quot;");
    expect(style).toContain(String(CSS));
    expect(style).toMatch(/font-family:[^;]*"Segoe UI"/);
  });
});
