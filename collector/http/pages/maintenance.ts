// The unit page's planned maintenance: the windows on now and those to come, each with its reason,
// how often, what of the unit it covers and who declared it.
import type { MaintenanceWindowView } from "../../inspection/maintenance-list.js";
import { type Html, html } from "./html.js";
import type { Formatter } from "./i18n/index.js";

export function maintenanceList(
  f: Formatter,
  windows: readonly MaintenanceWindowView[],
  /** What follows each window: the button that ends it, for those who may. */
  after: (window: MaintenanceWindowView) => Html | "" = () => "",
): Html {
  const { t } = f;
  if (windows.length === 0) return html`<p class="muted">${t.maintenance.none}</p>`;
  const items = windows.map((w) => {
    const when = w.current
      ? html`<strong>${t.maintenance.now(f.dateTime(w.current.to))}</strong>`
      : w.next
        ? t.maintenance.next(f.dateTime(w.next.from), f.dateTime(w.next.to))
        : "";
    const within = [...(w.agents ?? []), ...(w.categories ?? []), ...(w.checks ?? [])];
    const scope = within.length ? html` (${within.join(", ")})` : "";
    const every = t.maintenance.every[w.every as "once"] ?? w.every;
    return html`<li data-window="${w.id}">${w.reason}${scope}: ${when} · ${every} · ${t.maintenance.by(w.createdBy)}${after(w)}</li>`;
  });
  return html`<ul id="maintenance-windows">${items}</ul>`;
}
