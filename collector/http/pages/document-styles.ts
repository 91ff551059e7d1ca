// The printed documents' style sheet: the layout Vietnamese offices file (Decree 30/2020/NĐ-CP,
// appendix I: A4, margins top and bottom 20 mm, left 30 mm, right 15 mm; a Times font, body 13 pt,
// the national heading and motto, the issuing body, the place and date, title, body, recipients and
// signature block), each unit on exactly one page. Times New Roman where it is installed (Windows
// offices), else Liberation Serif, which has the same metrics (Debian's fonts-liberation2), so a
// page holds the same lines everywhere. Page numbers at the top centre from the second page on, as
// the decree places them.
import { Html } from "./html.js";
import { NARROW } from "./styles.js";

export const DOCUMENT_FONT = '"Times New Roman","Liberation Serif",Tinos,serif';

const rules = [
  `.document{font-family:${DOCUMENT_FONT};font-size:13pt;line-height:1.18;color:#000;` +
    "background:#fff;max-width:210mm;margin:0 auto 1.5rem;padding:20mm 15mm 20mm 30mm;" +
    "box-shadow:0 0 0 1px #ccc,0 2px 8px rgba(0,0,0,.15)}",
  ".document p{margin:0 0 .25em;text-align:justify}",
  ".document .letterhead{display:grid;grid-template-columns:42% 58%;text-align:center;" +
    "font-size:12pt;line-height:1.2}",
  ".document .letterhead .issuer,.document .letterhead .nation{font-weight:700;text-transform:uppercase}",
  ".document .letterhead .authority{text-transform:uppercase}",
  ".document .letterhead .motto{font-weight:700;font-size:13pt}",
  ".document .rule{display:block;width:35%;margin:.2em auto .3em;border-top:1px solid #000}",
  ".document .motto-rule{width:62%}",
  ".document .dateline{display:grid;grid-template-columns:42% 58%;text-align:center;margin:.2em 0 .5em}",
  ".document .dateline .date{font-style:italic}",
  ".document .kind{text-align:center;font-weight:700;font-size:14pt;margin:.4em 0 0}",
  ".document .subject{text-align:center;font-weight:700;margin:0 0 .5em}",
  ".document .span{text-align:center;font-style:italic;margin:-.4em 0 .5em}",
  ".document h2{font-size:13pt;font-weight:700;margin:.45em 0 .15em}",
  ".document table{width:100%;border-collapse:collapse;font-size:11pt;line-height:1.15;margin:.2em 0 .3em}",
  ".document th,.document td{border:1px solid #000;padding:1.2pt 3pt;vertical-align:top;background:none}",
  ".document th{font-weight:700;text-align:center}",
  ".document td.num{text-align:right;white-space:nowrap}.document th.num{text-align:center}",
  ".document table.summary td{white-space:nowrap}" +
    ".document table.summary td:first-child,.document table.summary td:nth-child(5){white-space:normal}",
  ".document ul{margin:0 0 .2em;padding-left:1.1em}",
  ".document li{margin:0;text-align:justify}",
  ".document .tight li,.document .tight p{font-size:12pt}",
  ".document .close{display:grid;grid-template-columns:48% 52%;margin-top:.6em;break-inside:avoid}",
  ".document .recipients{font-size:11pt;line-height:1.2}",
  ".document .recipients strong{font-style:italic;font-size:12pt}",
  ".document .recipients ul{list-style:none;padding-left:0}",
  ".document .sign{text-align:center}",
  ".document .sign .title{font-weight:700;text-transform:uppercase}",
  ".document .sign .space{height:20mm}",
  ".document .sign .name{font-weight:700}",
  ".document .note{font-size:10.5pt;font-style:italic;margin-top:.4em}",
  ".document.ranking table{font-size:10.5pt}",
  ".document.ranking td{white-space:nowrap}.document.ranking td:nth-child(2){white-space:normal}",
  ".document.ranking td:has(.long){white-space:normal}",
  // Column widths of the ranking (165 mm between the margins), so names keep to one line.
  ".document.ranking table{table-layout:fixed}",
  ".document.ranking th:nth-child(1){width:8mm}.document.ranking th:nth-child(2){width:46mm}" +
    ".document.ranking th:nth-child(3){width:17mm}.document.ranking th:nth-child(4){width:11mm}" +
    ".document.ranking th:nth-child(5){width:22mm}.document.ranking th:nth-child(7){width:19mm}",
  ".document .problem-cell{font-weight:700}",
  ".print-bar{max-width:210mm;margin:0 auto .8rem}",
  ".document .print-only{display:none}",
  `@media ${NARROW}{`,
  "  .document{padding:5mm 4mm;box-shadow:none;font-size:12pt}",
  "  .document .letterhead,.document .dateline,.document .close{grid-template-columns:1fr}",
  "  .document table{font-size:10pt}",
  "}",
  "@media print{",
  "  @page{size:A4;margin:20mm 15mm 20mm 30mm}",
  `  @page{@top-center{content:counter(page);font-family:${DOCUMENT_FONT};font-size:13pt}}`,
  "  @page:first{@top-center{content:none}}",
  "  body{background:#fff}",
  "  .document{max-width:none;margin:0;padding:0;box-shadow:none;break-after:page}",
  "  .document:last-of-type{break-after:auto}",
  "  .print-bar{display:none}",
  "  .document .beyond{display:none}.document .print-only{display:list-item}",
  "  .document .clamp{display:-webkit-box;-webkit-line-clamp:1;-webkit-box-orient:vertical;overflow:hidden}",
  "}",
];

export const DOCUMENT_CSS = new Html(`\n${rules.join("\n")}\n`);
