// Inventories on the unit page: a line that says what a host or a network device is, when it was
// taken, and the changes in the window said in words. Every value came from an agent and is
// escaped by html``.
import type { InventoryItem } from "../../inspection/inventory.js";
import { sayChanges } from "./changes.js";
import { none, td } from "./components.js";
import { type Html, html } from "./html.js";
import type { Formatter } from "./i18n/index.js";

/** An inventory as the unit page lists it, with its check's title. */
export interface InventoryEntry extends InventoryItem {
  title: string | null;
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
  const memory =
    typeof data.memoryBytes === "number"
      ? html`; ${f.t.changes.memory} ${f.bytes(data.memoryBytes)}`
      : "";
  const packages =
    software?.total !== undefined ? html`; ${software.total} ${f.t.unit.software}` : "";
  return html`${text(os.hostname)} — ${machine}; ${osName}; ${text(cpu.brand)}${memory}${packages}`;
}

function deviceSummary(f: Formatter, data: Fields): Html {
  const count = Array.isArray(data.interfaces) ? data.interfaces.length : 0;
  const interfaces = count ? html` (${count} ${f.t.unit.interfaces})` : "";
  const location = data.sysLocation ? html`; ${text(data.sysLocation)}` : "";
  return html`<strong>${text(data.sysName)}</strong> — ${text(data.sysDescr)}${interfaces}${location}`;
}

/** A few words that say what a host or device is. */
export function inventorySummary(f: Formatter, item: InventoryItem): Html {
  const data = (item.data ?? {}) as Fields;
  if (item.kind === "host") return hostSummary(f, data);
  if (item.kind === "snmp") return deviceSummary(f, data);
  return html`${JSON.stringify(data).slice(0, 300)}`;
}

export function inventoryTable(
  f: Formatter,
  items: readonly InventoryEntry[],
  caption: string,
): Html {
  const { t } = f;
  if (items.length === 0) return none(t.unit.noInventory);
  const rows = items.map(
    (i) =>
      html`<tr data-inventory="${i.agent}/${i.check}">${[
        td(i.title ?? i.check, t.unit.check),
        td(inventorySummary(f, i), t.unit.equipment),
        td(f.dateTime(i.ts), t.unit.taken),
      ]}</tr>`,
  );
  return html`<table class="stack"><caption class="sr-only">${caption}</caption><tbody>${rows}</tbody></table>`;
}

/** Changes taken in the window, newest first, each said in words. */
export function changeList(
  f: Formatter,
  changes: readonly (InventoryItem & { title: string | null })[],
): Html {
  const { t } = f;
  const changed = changes.filter((c) => c.changes !== null).reverse();
  if (changed.length === 0) return none(t.changes.none);
  const items = changed.map((c) => {
    const said = sayChanges(f, c.changes as NonNullable<InventoryItem["changes"]>, 8);
    return html`<li data-change="${c.agent}/${c.check}"><strong>${c.title ?? c.check}</strong>, ${f.dateTime(c.ts)}: ${said.join("; ")}</li>`;
  });
  return html`<ul class="changes">${items}</ul>`;
}
