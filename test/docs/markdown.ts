// Reading the docs the way the doc tests need: files, sections under a heading, code spans, links and
// the anchors GitHub gives headings. Fenced code blocks are skipped where they would mislead (a YAML
// comment is not a heading).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The checkout's root folder. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A doc's text, by its path from the root; a clear error when the page does not exist. */
export function readDoc(path: string): string {
  const file = join(ROOT, path);
  if (!existsSync(file)) throw new Error(`${path} is missing: the docs tests expect that page`);
  return readFileSync(file, "utf8");
}

/** README.md and every Markdown file under docs/, as paths from the root. */
export function markdownFiles(): string[] {
  const found: string[] = ["README.md"];
  const visit = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith(".md")) found.push(path);
    }
  };
  visit("docs");
  return found;
}

/** The lines of a Markdown text with those inside fenced code blocks marked. */
function lines(markdown: string): { text: string; fenced: boolean }[] {
  let fence: string | undefined;
  return markdown.split("\n").map((text) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return { text, fenced: true };
    }
    return { text, fenced: fence !== undefined };
  });
}

export interface Section {
  level: number;
  heading: string;
  /** The heading line and everything up to the next heading of the same or a higher level. */
  text: string;
}

/** Every section of a Markdown text, in order. */
export function sections(markdown: string): Section[] {
  const all = lines(markdown);
  const starts: { index: number; level: number; heading: string }[] = [];
  all.forEach((line, index) => {
    const match = line.fenced ? null : /^(#{1,6})\s+(.*)$/.exec(line.text);
    if (match?.[1] && match[2] !== undefined) {
      starts.push({ index, level: match[1].length, heading: match[2].trim() });
    }
  });
  return starts.map((start, i) => {
    const next = starts.slice(i + 1).find((s) => s.level <= start.level);
    const end = next ? next.index : all.length;
    return {
      level: start.level,
      heading: start.heading,
      text: all
        .slice(start.index, end)
        .map((line) => line.text)
        .join("\n"),
    };
  });
}

/** The first section whose heading holds `code` as a code span, e.g. `giamsat-agent run`. */
export function sectionWithCode(markdown: string, code: string): Section | undefined {
  return sections(markdown).find((section) => section.heading.includes(`\`${code}\``));
}

/** True when `code` appears as a code span (`code`) in the text. */
export function hasCode(text: string, code: string): boolean {
  return text.includes(`\`${code}\``);
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces made dashes. */
export function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor of a Markdown text, with GitHub's -1, -2 for repeated headings. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const { heading } of sections(markdown)) {
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    out.add(count === 0 ? base : `${base}-${count}`);
  }
  return out;
}

/** The targets of the inline links of a Markdown text, outside code blocks and code spans. */
export function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const line of lines(markdown)) {
    if (line.fenced) continue;
    const text = line.text.replace(/`[^`]*`/g, "``");
    for (const match of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (match[1]) targets.push(match[1]);
    }
  }
  return targets;
}
