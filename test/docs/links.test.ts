// Every relative link in README.md and docs/ leads to a file that exists, and a link to a heading
// (page.md#anchor) to a heading that exists; the README stays a short front door.
import { existsSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";
import { anchors, linkTargets, markdownFiles, ROOT, readDoc } from "./markdown.js";

/** Problems with one page's links, each naming the page and the link. */
function brokenLinks(page: string): string[] {
  const problems: string[] = [];
  for (const target of linkTargets(readDoc(page))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    const [path = "", anchor] = target.split("#");
    const file = path === "" ? page : normalize(join(dirname(page), decodeURI(path)));
    if (!existsSync(join(ROOT, file))) {
      problems.push(`${page}: link (${target}) leads to ${file}, which does not exist`);
    } else if (anchor !== undefined && file.endsWith(".md")) {
      const wanted = decodeURIComponent(anchor);
      if (!anchors(readDoc(file)).has(wanted)) {
        problems.push(
          `${page}: link (${target}): ${file} has no heading whose anchor is #${wanted}`,
        );
      }
    }
  }
  return problems;
}

describe("links in the docs", () => {
  const pages = markdownFiles();

  it("are found in README.md and every page under docs/", () => {
    expect(pages).toContain("README.md");
    expect(pages.length).toBeGreaterThan(10);
    expect(pages.flatMap((page) => linkTargets(readDoc(page))).length).toBeGreaterThan(50);
  });

  it.each(pages)("in %s lead to files and headings that exist", (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });
});

describe("README.md", () => {
  const readme = readDoc("README.md");

  it("is short: what giamsat is, the quick start and where to read next", () => {
    const count = readme.split("\n").length;
    expect(
      count,
      `README.md has ${count} lines; keep it under 100, move the rest to docs/`,
    ).toBeLessThan(100);
  });

  it("gives the two quick-start commands exactly", () => {
    expect(readme).toMatch(/```sh\nnpm ci && npm start\nnpm test\n```/);
  });
});
