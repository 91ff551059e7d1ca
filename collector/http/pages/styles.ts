// The pages' one style sheet: system fonts, the status colours, tables that read on a screen and
// print on A4 (one unit's summary a page). Short enough to inline in every page. It is markup the
// code wrote, never input: Html, so the page writes it as it is (escaped, its quoted font names
// became &quot; and the browser dropped the whole rule).
import { Html } from "./html.js";

export const CSS = new Html(
  [
    "",
    ":root{--ok:#1b7f3b;--degraded:#b36b00;--down:#b3261e;--nodata:#6b6b6b}",
    "*{box-sizing:border-box}",
    'body{font-size:15px;line-height:1.45;font-family:"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;margin:0;' +
      "color:#1c1c1c;background:#fff}",
    "header.top{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;" +
      "padding:.6rem 1.2rem;border-bottom:1px solid #ddd;background:#f7f7f7}",
    "header.top a{color:#0b4f8a}",
    "main{padding:1rem 1.2rem;max-width:1200px}",
    "h1{font-size:1.4rem;margin:.2rem 0 .8rem}",
    "h2{font-size:1.15rem;margin:1.4rem 0 .5rem}",
    "table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}",
    "th,td{border:1px solid #d0d0d0;padding:.3rem .5rem;text-align:left;vertical-align:top}",
    "th{background:#f0f0f0;font-weight:600}",
    "td.num,th.num{text-align:right;white-space:nowrap}",
    ".muted{color:#666}",
    ".cell{font-weight:600;white-space:nowrap}",
    ".s-ok{color:var(--ok)}.s-degraded{color:var(--degraded)}" +
      ".s-down{color:var(--down)}.s-no_data{color:var(--nodata)}",
    ".badge{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-size:.85em;" +
      "border:1px solid currentColor}",
    ".spark{vertical-align:middle}.spark polyline{fill:none;stroke:#0b4f8a;" +
      "stroke-width:1.2}.spark circle{fill:#0b4f8a}",
    "form.inline{display:inline}",
    "fieldset{border:1px solid #ccc;max-width:40rem}",
    "label{display:block;margin:.4rem 0}",
    "input[type=text],input[type=date],textarea{width:100%;font:inherit;padding:.25rem}",
    ".finding-problem{color:var(--down)}.finding-warning{color:var(--degraded)}",
    "@media print{",
    "  @page{size:A4;margin:14mm}",
    "  header.top,.noprint,form{display:none!important}",
    "  main{padding:0;max-width:none}",
    "  body{font-size:11pt}",
    "  .report{break-after:page}",
    "  .report:last-child{break-after:auto}",
    "  a{color:inherit;text-decoration:none}",
    "}",
    "",
  ].join("\n"),
);
