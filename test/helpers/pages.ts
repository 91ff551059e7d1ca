// The leaders' pages rendered in-process from a test store, as the server renders them, and read
// back as the text a person sees (tags dropped, entities decoded, white space collapsed).

import { AgentStore } from "../../collector/agents/registry.js";
import type { User } from "../../collector/auth/roles.js";
import { html } from "../../collector/http/pages/html.js";
import { type PageRequest, type Rendered, renderPages } from "../../collector/http/pages/pages.js";
import { inspectionReaders } from "../../collector/inspection/readers.js";
import type { TestStore } from "./store.js";

export const CITY_USER: User = { id: 1, name: "city", role: "city", unit: null };

export type PageName = keyof ReturnType<typeof renderPages>;

export interface PagesOf {
  /** The page at `path` (with its query) as `user` sees it. */
  render(page: PageName, path: string, params?: Record<string, string>, user?: User): Rendered;
}

export function pagesOf(store: TestStore, now: number): PagesOf {
  const pages = renderPages({
    db: store.db,
    reports: store.config.reports,
    ctx: inspectionReaders({
      history: store.history,
      agents: new AgentStore(store.db),
      clock: () => now,
    }),
  });
  return {
    render(page, path, params = {}, user = CITY_USER) {
      const url = new URL(path, "http://collector");
      const request: PageRequest = {
        url,
        query: Object.fromEntries(url.searchParams),
        params,
        user,
        csrf: () => "test-csrf-token",
        header: html``,
      };
      return (pages[page] as (request: PageRequest) => Rendered)(request);
    },
  };
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" };

/** What a reader sees of some markup: text only, one space between words. */
export function visibleText(markup: string): string {
  return markup
    .replace(/<(style|title|svg)[\s\S]*?<\/\1>/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name] ?? "")
    .replace(/\s+/g, " ")
    .trim();
}

/** The markup of the first element with this attribute (and value), up to its closing tag. */
export function element(markup: string, tag: string, attribute: string): string {
  const start = markup.search(new RegExp(`<${tag}\\b[^>]*${attribute}`));
  if (start < 0) throw new Error(`no <${tag} ${attribute}> in the page`);
  const end = markup.indexOf(`</${tag}>`, start);
  return markup.slice(start, end + tag.length + 3);
}
