// The notifications sent about a unit, as its page lists them: when, what (the subject), through
// which channel to whom, and whether it was delivered (with the receiver's answer or the error).
// On a phone each row folds into a card whose cells name their column.
import type { SentMessage } from "../../notifications/messages.js";
import { muted, none, td, th, thead } from "./components.js";
import { type Html, html } from "./html.js";
import type { Formatter } from "./i18n/index.js";

function row(f: Formatter, m: SentMessage): Html {
  const { notifications: t } = f.t;
  const attempts = m.attempts > 1 ? ` · ${t.attempts(m.attempts)}` : "";
  const said = m.said ? html`<div class="muted">${m.said}</div>` : "";
  return html`<tr data-notification="${m.state}">${[
    td(f.dateTime(m.doneAt ?? m.createdAt), t.when),
    td(m.title, t.what),
    td(m.channel, t.channel),
    td(m.address || muted("—"), t.to),
    td(html`${t.states[m.state]}${attempts}${said}`, t.state),
  ]}</tr>`;
}

export function notificationTable(f: Formatter, messages: readonly SentMessage[]): Html {
  const { notifications: t } = f.t;
  if (messages.length === 0) return none(t.none);
  const head = thead([th(t.when), th(t.what), th(t.channel), th(t.to), th(t.state)]);
  return html`<table class="notifications stack"><caption class="sr-only">${t.heading}</caption>${head}<tbody>${messages.map((m) => row(f, m))}</tbody></table>`;
}
