// The frame of every page a person reads: its language, the site's header (navigation, language
// switch, who is logged in), the style sheets. No script anywhere: the pages work on an old office
// PC as they are, under a policy that forbids scripts.
import { DOCUMENT_CSS } from "./document-styles.js";
import { type Html, html } from "./html.js";
import { Formatter, langOf, type Status } from "./i18n/index.js";
import { CSS } from "./styles.js";

export interface Chrome {
  f: Formatter;
  /** The request's URL, for the language switch and links that keep the page's parameters. */
  url: URL;
  /** The site's navigation and who is logged in, with the log-out button (login.ts). */
  header: Html;
}

/** The frame of a page for this request: its language, and who is logged in. */
export function chromeOf(url: URL, header: Html): Chrome {
  return { f: Formatter.of(langOf(url)), url, header };
}

/** The same page in the other language. */
export function otherLanguage(url: URL, lang: string): string {
  const next = new URL(url);
  if (lang === "vi") next.searchParams.set("lang", "en");
  else next.searchParams.delete("lang");
  return `${next.pathname}${next.search}`;
}

/** A link within the site that keeps the language chosen. */
export function link(
  chrome: Chrome,
  path: string,
  params: Record<string, string | undefined> = {},
): string {
  const url = new URL(path, "http://collector");
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  if (chrome.f.lang === "en") url.searchParams.set("lang", "en");
  return `${url.pathname}${url.search}`;
}

export function statusCell(chrome: Chrome, status: Status, extra: Html | string = ""): Html {
  return html`<span class="cell s-${status}">${chrome.f.t.status[status]}</span>${extra}`;
}

export interface LayoutOptions {
  /** The page holds printable documents: their style sheet comes too. */
  documents?: boolean;
  /** A print view: the documents alone, without the site's header. */
  bare?: boolean;
}

export function layout(
  chrome: Chrome,
  title: string,
  body: Html,
  options: LayoutOptions = {},
): string {
  const { t, lang } = chrome.f;
  const header = options.bare
    ? ""
    : html`<header class="top">
<a class="brand" href="${link(chrome, "/")}">giamsat</a>
<span class="site muted">${t.title}</span>
${chrome.header}
<a class="lang" href="${otherLanguage(chrome.url, lang)}" hreflang="${lang === "vi" ? "en" : "vi"}" lang="${lang === "vi" ? "en" : "vi"}">${t.otherLanguage}</a>
</header>`;
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · giamsat</title>
<style>${CSS}${options.documents ? DOCUMENT_CSS : ""}</style>
</head>
<body>
${header}
<main>
${body}
</main>
</body>
</html>
`.text;
}
