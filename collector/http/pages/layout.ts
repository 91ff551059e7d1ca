// The frame of every leader-facing page: language switch, who is logged in, small CSS that prints
// on A4, and the status colours. No script anywhere: the pages work on an old office PC as they are.
import { type Html, html } from "./html.js";
import type { Formatter, Status } from "./i18n/index.js";

export interface Chrome {
  f: Formatter;
  /** The request's URL, for the language switch and sort links. */
  url: URL;
  /** Who is logged in, with the log-out button (login.ts). */
  header: Html;
}

const CSS = `
:root{--ok:#1b7f3b;--degraded:#b36b00;--down:#b3261e;--nodata:#6b6b6b}
*{box-sizing:border-box}
body{font:15px/1.45 "Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;margin:0;color:#1c1c1c;background:#fff}
header.top{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;padding:.6rem 1.2rem;border-bottom:1px solid #ddd;background:#f7f7f7}
header.top a{color:#0b4f8a}
main{padding:1rem 1.2rem;max-width:1200px}
h1{font-size:1.4rem;margin:.2rem 0 .8rem}
h2{font-size:1.15rem;margin:1.4rem 0 .5rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
th,td{border:1px solid #d0d0d0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0;font-weight:600}
td.num,th.num{text-align:right;white-space:nowrap}
.muted{color:#666}
.cell{font-weight:600;white-space:nowrap}
.s-ok{color:var(--ok)}.s-degraded{color:var(--degraded)}.s-down{color:var(--down)}.s-no_data{color:var(--nodata)}
.badge{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-size:.85em;border:1px solid currentColor}
.spark{vertical-align:middle}.spark polyline{fill:none;stroke:#0b4f8a;stroke-width:1.2}.spark circle{fill:#0b4f8a}
form.inline{display:inline}
fieldset{border:1px solid #ccc;max-width:40rem}
label{display:block;margin:.4rem 0}
input[type=text],input[type=date],textarea{width:100%;font:inherit;padding:.25rem}
.finding-problem{color:var(--down)}.finding-warning{color:var(--degraded)}
@media print{
  @page{size:A4;margin:14mm}
  header.top,.noprint,form{display:none!important}
  main{padding:0;max-width:none}
  body{font-size:11pt}
  .report{break-after:page}
  .report:last-child{break-after:auto}
  a{color:inherit;text-decoration:none}
}
`;

/** The same page in the other language. */
export function otherLanguage(url: URL, lang: string): string {
  const next = new URL(url);
  if (lang === "vi") next.searchParams.set("lang", "en");
  else next.searchParams.delete("lang");
  return `${next.pathname}${next.search}`;
}

/** A link within the site that keeps the language chosen. */
export function link(chrome: Chrome, path: string, params: Record<string, string> = {}): string {
  const url = new URL(path, "http://collector");
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  if (chrome.f.lang === "en") url.searchParams.set("lang", "en");
  return `${url.pathname}${url.search}`;
}

export function statusCell(chrome: Chrome, status: Status, extra: Html | string = ""): Html {
  return html`<span class="cell s-${status}">${chrome.f.t.status[status]}</span>${extra}`;
}

export function layout(chrome: Chrome, title: string, body: Html): string {
  const { t, lang } = chrome.f;
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · giamsat</title>
<style>${CSS}</style>
</head>
<body>
<header class="top">
<strong><a href="${link(chrome, "/")}">giamsat</a></strong>
<span class="muted">${t.title}</span>
<a href="${otherLanguage(chrome.url, lang)}" hreflang="${lang === "vi" ? "en" : "vi"}">${t.otherLanguage}</a>
${chrome.header}
</header>
<main>
${body}
</main>
</body>
</html>
`.text;
}
