// What a running agent tells `giamsat-agent status`, and how it is printed: each check's last result,
// the link to the collector, the buffer's backlog, the last error.

import { formatTable } from "../check-table.js";
import type { LinkStatus } from "../link-status.js";
import type { DiskTrouble } from "../outbox/disk.js";
import { formatBytes } from "../outbox/disk.js";
import type { Corruption } from "../outbox/file.js";

export interface CheckStatus {
  name: string;
  kind: string;
  category: string;
  /** From agent.yaml, or sent by the collector (central checks). */
  source?: "local" | "central";
  /** The last run's result, or undefined while the check waits for its first run (start jitter). */
  last?: {
    up: boolean;
    reason?: string;
    message?: string;
    /** When the last run started, ms since the epoch. */
    at: number;
    durationMs: number;
    /** When the check went into its current state. */
    since: number;
  };
}

export interface AgentStatus {
  version: string;
  pid: number;
  startedAt: number;
  config: string;
  link: LinkStatus;
  buffer: {
    file: string;
    waitingSamples: number;
    bytes: number;
    heldInMemorySamples: number;
    disk?: DiskTrouble;
    dropped: Record<string, number>;
    corruptFiles: number;
    corruption?: Corruption;
  };
  checks: CheckStatus[];
  lastError?: { at: number; message: string; detail?: string };
}

function clock(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ""} ago`;
  const h = Math.floor(s / 3600);
  if (h < 48) return `${h}h${Math.floor((s % 3600) / 60)}m ago`;
  return `${Math.floor(h / 24)}d ago`;
}

function linkLine(link: LinkStatus, now: number): string {
  const since = `since ${clock(link.since)} (${ago(link.since, now)})`;
  if (link.revoked) return `REVOKED by the collector ${since}: ${link.problem?.message ?? ""}`;
  if (link.state === "open" && link.unit) {
    return `connected to ${link.url} as unit ${link.unit}, agent ${link.agent} ${since}`;
  }
  const problem = link.problem
    ? `; last problem ${ago(link.problem.at, now)}: ${link.problem.message}`
    : "";
  return `${link.state === "open" ? "connecting" : "NOT connected"} to ${link.url} ${since}${problem}`;
}

function bufferLines(buffer: AgentStatus["buffer"]): string[] {
  const lines = [
    `${buffer.file}: ${buffer.waitingSamples} samples waiting (${formatBytes(buffer.bytes)})`,
  ];
  if (buffer.disk) {
    const free =
      buffer.disk.freeBytes === undefined ? "" : `, ${formatBytes(buffer.disk.freeBytes)} free`;
    lines.push(
      `CANNOT BE WRITTEN since ${clock(buffer.disk.since)} (${buffer.disk.error}${free}): ${buffer.heldInMemorySamples} samples held in memory`,
    );
  }
  const dropped = Object.entries(buffer.dropped).filter(([, n]) => n > 0);
  if (dropped.length > 0) {
    lines.push(`dropped unsent: ${dropped.map(([reason, n]) => `${n} (${reason})`).join(", ")}`);
  }
  if (buffer.corruptFiles > 0) {
    const moved = buffer.corruption ? `; this start moved ${buffer.corruption.movedTo} aside` : "";
    lines.push(`corrupt buffer files found at start: ${buffer.corruptFiles}${moved}`);
  }
  return lines;
}

/** The text `giamsat-agent status` prints. */
export function formatStatus(status: AgentStatus, now = Date.now()): string {
  const head = [
    `giamsat-agent ${status.version}, PID ${status.pid}, running since ${clock(status.startedAt)} (${ago(status.startedAt, now)}), ${status.config}`,
    `link:   ${linkLine(status.link, now)}`,
    ...bufferLines(status.buffer).map((line, i) => `${i === 0 ? "buffer:" : "       "} ${line}`),
    `last error: ${status.lastError ? `${ago(status.lastError.at, now)}: ${status.lastError.message}${status.lastError.detail ? ` (${status.lastError.detail})` : ""}` : "none"}`,
  ];
  // Checks the collector sent are marked, so they are told apart from agent.yaml's.
  const rows = status.checks.map(({ name: checkName, kind, last, source }) => {
    const name = source === "central" ? `${checkName} (central)` : checkName;
    return last
      ? [
          name,
          kind,
          last.up ? "up" : "DOWN",
          ago(last.since, now).replace(" ago", ""),
          last.up ? "" : `${last.reason ?? ""}${last.message ? `: ${last.message}` : ""}`,
          `${ago(last.at, now)}, ${last.durationMs} ms`,
        ]
      : [name, kind, "waiting", "", "", "not run yet"];
  });
  const table =
    rows.length > 0
      ? formatTable(["CHECK", "KIND", "STATUS", "FOR", "REASON", "LAST RUN"], rows, [4, 0])
      : ["no check has run yet"];
  const down = status.checks.filter((check) => check.last?.up === false).length;
  return `${head.join("\n")}\n\n${table.join("\n")}\n\n${status.checks.length} checks, ${down} down\n`;
}
