// The pages' one style sheet: system fonts, the status colours, tables that read on a wide screen
// and turn into one card per row on a phone (no sideways scrolling at 390 px), and the charts. The
// printed documents have their own sheet (document-styles.ts). It is markup the code wrote, never
// input: Html, so the page writes it as it is (escaped, its quoted font names became &quot; and
// the browser dropped the whole rule).
import { Html } from "./html.js";

/**
 * The colours of status words, each at least 4.5:1 against white (WCAG AA for text), and of the
 * timeline's fills, at least 3:1 (WCAG AA for graphics). A test computes both.
 */
export const STATUS_TEXT = {
  ok: "#1b7a38",
  degraded: "#8a5300",
  down: "#b3261e",
  no_data: "#595959",
  maintenance: "#1f4fa3",
} as const;
export const TIMELINE_FILL = {
  up: "#2e7d32",
  down: "#c62828",
  no_data: "#8a8a8a",
  maintenance: "#3b5bdb",
} as const;

/**
 * Below this width tables become cards and the header folds: on screens only, as an A4 page
 * between its margins is narrower than this and prints as the document it is.
 */
export const NARROW = "screen and (max-width: 760px)";

const rules = [
  `:root{--ok:${STATUS_TEXT.ok};--degraded:${STATUS_TEXT.degraded};--down:${STATUS_TEXT.down};` +
    `--nodata:${STATUS_TEXT.no_data};--maint:${STATUS_TEXT.maintenance};--link:#0b4f8a}`,
  "*{box-sizing:border-box}",
  "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}",
  'body{font-family:"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;font-size:15px;' +
    "line-height:1.45;margin:0;color:#1c1c1c;background:#fff;overflow-wrap:break-word}",
  "a{color:var(--link)}",
  "header.top{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;align-items:center;" +
    "padding:.5rem 1.2rem;border-bottom:1px solid #ddd;background:#f5f6f7}",
  "header.top .brand{font-weight:700;text-decoration:none}",
  "header.top nav{display:flex;flex-wrap:wrap;gap:.2rem 1rem}",
  "header.top form{margin:0;margin-left:auto;color:#555;order:2}",
  "header.top .lang{order:3}",
  "main{padding:1rem 1.2rem;max-width:1320px}",
  "h1{font-size:1.45rem;margin:.2rem 0 .8rem;line-height:1.25}",
  "h2{font-size:1.15rem;margin:1.5rem 0 .5rem}",
  "h3{font-size:1rem;margin:1rem 0 .4rem}",
  "table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}",
  "caption{text-align:left;font-weight:600;padding:.2rem 0 .4rem;color:#333}",
  "th,td{border:1px solid #d0d0d0;padding:.35rem .5rem;text-align:left;vertical-align:top}",
  "th{background:#f0f1f2;font-weight:600}",
  "td.num,th.num{text-align:right;white-space:nowrap}",
  "td.name{min-width:12rem}td.why{min-width:14rem;max-width:22rem}",
  "td.cat{min-width:6.4rem}",
  ".muted{color:#595959}",
  // Read by screen readers, not shown: a table's caption right under a heading that says the same.
  ".sr-only{position:absolute!important;width:1px!important;height:1px!important;" +
    "padding:0!important;margin:0!important;overflow:hidden;clip-path:inset(50%);white-space:nowrap}",
  ".small{font-size:.88em}",
  ".cell{font-weight:600}",
  ".s-ok{color:var(--ok)}.s-degraded{color:var(--degraded)}.s-down{color:var(--down)}" +
    ".s-no_data,.s-no_checks{color:var(--nodata)}.s-maintenance{color:var(--maint)}",
  ".lv-not_set_up,.lv-silent,.lv-down{color:var(--down);font-weight:600}" +
    ".lv-degraded,.lv-partial{color:var(--degraded)}.lv-ok{color:var(--ok)}",
  ".badge{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-size:.85em;" +
    "border:1px solid currentColor}",
  ".totals ul{list-style:none;padding:0;margin:.4rem 0 1rem;display:grid;" +
    "grid-template-columns:repeat(auto-fit,minmax(13rem,1fr));gap:.5rem}",
  ".totals li{border:1px solid #d0d0d0;border-left:.35rem solid var(--nodata);" +
    "padding:.4rem .6rem;font-weight:600}",
  ".totals li.t-bad{border-left-color:var(--down)}.totals li.t-ok{border-left-color:var(--ok)}",
  ".controls{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;align-items:center;margin:.3rem 0 .8rem}",
  ".controls form{display:flex;gap:.4rem;align-items:center;margin:0}",
  ".notice{border:1px solid var(--ok);background:#eef7f0;padding:.5rem .8rem}",
  ".problem{border:1px solid var(--down);background:#fbeeee;padding:.5rem .8rem}",
  ".finding-problem{color:var(--down)}.finding-warning{color:var(--degraded)}",
  "details{margin:.2rem 0}details summary{cursor:pointer;color:#595959;font-size:.88em}",
  "details pre,details code{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85em}",
  "svg.chart{display:block;width:100%;height:auto;max-width:56rem}",
  "section.timelines{max-width:72rem}section.timelines svg.chart{max-width:none;height:1.1rem}",
  "svg.chart text{font-size:11px;fill:#333}",
  `svg.chart .t-up{fill:${TIMELINE_FILL.up}}svg.chart .t-down{fill:${TIMELINE_FILL.down}}` +
    `svg.chart .t-no_data{fill:${TIMELINE_FILL.no_data}}` +
    `svg.chart .t-maintenance{fill:${TIMELINE_FILL.maintenance}}`,
  "svg.chart .bar{fill:#4a6fa5}svg.chart .bar.low{fill:#c62828}" +
    "svg.chart .target{stroke:#1c1c1c;stroke-width:1.5;stroke-dasharray:4 3}",
  "svg.chart .axis{stroke:#999;stroke-width:1}",
  "ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem 1rem;padding:0;margin:.2rem 0 1rem}",
  "ul.legend .key{display:inline-block;width:.9em;height:.9em;vertical-align:-.1em;" +
    "margin-right:.3rem;border:1px solid #555}",
  `.key.t-up{background:${TIMELINE_FILL.up}}.key.t-down{background:${TIMELINE_FILL.down}}` +
    `.key.t-no_data{background:${TIMELINE_FILL.no_data}}` +
    `.key.t-maintenance{background:${TIMELINE_FILL.maintenance}}`,
  ".axis-times{display:flex;justify-content:space-between;gap:.5rem}",
  "label.inline{display:inline;margin:0}",
  ".timeline-row{display:grid;grid-template-columns:13rem 1fr;gap:.5rem;align-items:center;" +
    "margin:.15rem 0}",
  "form.inline{display:inline}",
  "fieldset{border:1px solid #ccc;max-width:44rem}#signoff-form{max-width:46rem}",
  "label{display:block;margin:.5rem 0}",
  "label.check{display:flex;gap:.5rem;align-items:flex-start}",
  "input[type=text],input[type=date],input[type=password],input:not([type]),select,textarea" +
    "{width:100%;max-width:100%;font:inherit;padding:.3rem}",
  "button,.button{font:inherit;padding:.35rem .9rem}",
  ".statement{background:#f5f6f7;border-left:.3rem solid var(--link);padding:.5rem .8rem}",
  ".paging{display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:center}",
  `@media ${NARROW}{`,
  "  header.top{padding:.4rem .7rem;gap:.2rem .8rem}header.top .site{display:none}",
  "  header.top form{margin-left:0;order:4}header.top .lang{order:2}",
  "  table.stack caption{display:block;width:100%}",
  "  .totals li{padding:.25rem .5rem;font-size:.92em}",
  "  main{padding:.6rem .7rem}",
  "  h1{font-size:1.25rem}",
  "  table.stack,table.stack tbody,table.stack tr,table.stack td,table.stack th{display:block;width:100%}",
  "  table.stack thead{display:none}",
  "  table.stack tr{border:1px solid #c8c8c8;margin:0 0 .6rem;padding:.2rem 0}",
  "  table.stack td,table.stack th{border:0;padding:.15rem .6rem;text-align:left}",
  "  table.stack td.num{white-space:normal}",
  '  table.stack td[data-label]::before{content:attr(data-label) ": ";color:#595959;font-weight:400}',
  "  td.name,td.why{min-width:0}",
  "  .timeline-row{grid-template-columns:1fr}",
  "  .totals ul{grid-template-columns:1fr 1fr}",
  "}",
  "@media print{",
  "  header.top,.noprint,form{display:none!important}",
  "  main{padding:0;max-width:none}",
  "  a{color:inherit;text-decoration:none}",
  "}",
];

export const CSS = new Html(`\n${rules.join("\n")}\n`);
