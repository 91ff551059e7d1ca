// The parts of an administrative document that frame its body (Decree 30/2020/NĐ-CP, appendix I):
// the issuing body under the body above it, the national heading and motto, the number and the
// place and date, and at the end the recipients and the signature block with the signer's title
// and name.
import type { ReportsConfig } from "../../../shared/config/collector.js";
import { type Html, html } from "./html.js";
import type { Formatter } from "./i18n/index.js";

export interface Letterhead {
  /** The body the issuer belongs to (collector.yaml reports.authority), above it. */
  authority: string;
  /** Who issues the document: the unit, or for the city summary reports.issuer. */
  issuer: string;
  /** When it was drawn. */
  at: number;
}

export function letterhead(f: Formatter, reports: ReportsConfig, head: Letterhead): Html {
  const { t } = f;
  const { day, month, year } = f.dayParts(head.at);
  // Written in capitals, not only shown so: copied or read back from the PDF, it stays as printed.
  const upper = (text: string) => text.toLocaleUpperCase(t.locale);
  const authority = head.authority
    ? html`<div class="authority">${upper(head.authority)}</div>`
    : "";
  return html`<div class="letterhead">
<div>${authority}<div class="issuer">${upper(head.issuer)}</div><span class="rule"></span></div>
<div><div class="nation">${t.report.nation}</div><div class="motto">${t.report.motto}</div><span class="rule motto-rule"></span></div>
</div>
<div class="dateline"><div>${t.report.number}</div><div class="date">${t.report.dated(reports.place, day, month, year)}</div></div>`;
}

export interface SignatureBlock {
  /** The signer's title as the document writes it, e.g. PHÓ GIÁM ĐỐC; a generic one without. */
  title: string | null;
  name: string | null;
}

export function closing(
  f: Formatter,
  recipients: readonly string[] | undefined,
  signer: SignatureBlock,
): Html {
  const { t } = f;
  const list = (recipients?.length ? recipients : t.report.defaultRecipients).map(
    (r) => html`<li>- ${r}</li>`,
  );
  return html`<div class="close">
<div class="recipients"><strong>${t.report.recipients}</strong><ul>${list}</ul></div>
<div class="sign"><div class="title">${(signer.title ?? t.report.signature).toLocaleUpperCase(t.locale)}</div><div class="space"></div><div class="name">${signer.name ?? ""}</div></div>
</div>`;
}
