// Inventories on the unit page: a line or two that says what a host or a network device is, its
// check and agent, and when it was taken. Every value came from an agent and is escaped by html``.
import type { InventoryItem } from "../../inspection/inventory.js";
import { checkOf, none, td, tdNum } from "./components.js";
import { type Html, html } from "./html.js";
import type { Formatter } from "./i18n/index.js";

/** An inventory as the unit page lists it: the newest of its check, with its count of changes. */
export interface InventoryEntry extends InventoryItem {
  changed: number;
}

type Fields = Record<string, unknown>;

function text(value: unknown): string {
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

function hostSummary(f: Formatter, data: Fields): Html {
  const system = (data.system ?? {}) as Fields;
  const os = (data.os ?? {}) as Fields;
  const cpu = (data.cpu ?? {}) as Fields;
  const software = data.software as { total?: number; packages?: unknown[] } | undefined;
  const machine = html`${text(system.manufacturer)} ${text(system.model)}`;
  const osName = html`${text(os.distro)} ${text(os.release)}`;
  const packages =
    software?.total !== undefined ? html`; ${software.total} ${f.t.unit.software}` : "";
  return html`${text(os.hostname)} — ${machine}; ${osName}; ${text(cpu.brand)}${packages}`;
}

function deviceSummary(f: Formatter, data: Fields): Html {
  const count = Array.isArray(data.interfaces) ? data.interfaces.length : 0;
  const interfaces = count ? html` (${count} ${f.t.unit.interfaces})` : "";
  const location = data.sysLocation ? html`; ${text(data.sysLocation)}` : "";
  return html`<strong>${text(data.sysName)}</strong> — ${text(data.sysDescr)}${interfaces}${location}`;
}

/** A few words that say what a host or device is. */
export function inventorySummary(f: Formatter, item: InventoryEntry): Html {
  const data = (item.data ?? {}) as Fields;
  if (item.kind === "host") return hostSummary(f, data);
  if (item.kind === "snmp") return deviceSummary(f, data);
  return html`${JSON.stringify(data).slice(0, 300)}`;
}

export function inventoryTable(f: Formatter, items: readonly InventoryEntry[]): Html {
  if (items.length === 0) return none(f.t.unit.noInventory);
  const rows = items.map(
    (i) =>
      html`<tr data-inventory="${i.agent}/${i.check}">${[
        td(checkOf(i.check, i.agent)),
        td(inventorySummary(f, i)),
        tdNum(f.dateTime(i.ts)),
      ]}</tr>`,
  );
  return html`<table><tbody>${rows}</tbody></table>`;
}
