// Inventories on the unit page: a line that says what a host or a network device is, when it was
// taken, and the changes in the window said in words; beside them the devices discovery found on
// the LAN, first and last seen. Every value came from an agent and is escaped by html``.
import type { InventoryItem } from "../../inspection/inventory.js";
import type { LanDevice } from "../../inspection/lan-devices.js";
import { sayChanges } from "./changes.js";
import { muted, none, td, th, thead } from "./components.js";
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

/** The devices discovery found on the unit's LAN, each with when it was first and last seen. */
export function lanDeviceTable(f: Formatter, devices: readonly LanDevice[]): Html {
  const w = f.t.discovery;
  if (devices.length === 0) return none(w.inventory.none);
  const head = [
    w.address,
    w.name,
    w.type,
    w.inventory.model,
    w.inventory.firstSeen,
    w.inventory.lastSeen,
  ];
  const rows = devices.map((d) => {
    const model = [d.model, d.serial].filter((part) => part !== undefined).join(", ");
    const gone = d.gone ? html` <span class="problem">(${w.statuses.gone})</span>` : "";
    return html`<tr data-lan-device="${d.address}">${[
      td(d.address, w.address),
      td(d.sysName ?? muted("—"), w.name),
      td(w.types[d.type] ?? d.type, w.type),
      td(model || muted("—"), w.inventory.model),
      td(f.dateTime(d.firstSeen), w.inventory.firstSeen),
      td(html`${f.dateTime(d.lastSeen)}${gone}`, w.inventory.lastSeen),
    ]}</tr>`;
  });
  return html`<table class="stack" id="lan-devices"><caption class="sr-only">${w.inventory.caption}</caption>${thead(head.map((h) => th(h)))}<tbody>${rows}</tbody></table>`;
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
