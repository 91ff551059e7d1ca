// Who holds a buffer file: `agent-buffer.db.pid` beside it names the process (PID, command, start),
// so a second agent refused by the file's lock can say which process to look at. Only a description:
// the lock itself is SQLite's (file.ts), which the system releases when its holder dies.
import { readFileSync, rmSync, writeFileSync } from "node:fs";

export interface Holder {
  pid: number;
  command: string;
  startedAt: string;
}

function holderFile(path: string): string {
  return `${path}.pid`;
}

/** Writes this process as the holder; a full disk leaves it unwritten, which only costs the name. */
export function writeHolder(path: string): void {
  const holder: Holder = {
    pid: process.pid,
    command: process.argv.slice(1).join(" "),
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
  };
  try {
    writeFileSync(holderFile(path), `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  } catch {
    // the lock still holds; the next agent's message just cannot name this one
  }
}

export function readHolder(path: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(holderFile(path), "utf8")) as Partial<Holder>;
    if (typeof holder.pid !== "number") return undefined;
    return {
      pid: holder.pid,
      command: String(holder.command ?? ""),
      startedAt: String(holder.startedAt ?? ""),
    };
  } catch {
    return undefined;
  }
}

export function removeHolder(path: string): void {
  try {
    const holder = readHolder(path);
    if (holder?.pid === process.pid) rmSync(holderFile(path), { force: true });
  } catch {
    // nothing to clean
  }
}

/** Whether a process with this PID exists (EPERM: it does, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The message for an agent that found the buffer file locked by another process. */
export function lockedMessage(
  path: string,
  holder: Holder | undefined,
  isAlive: (pid: number) => boolean = alive,
): string {
  const who =
    holder && isAlive(holder.pid)
      ? `another giamsat agent (PID ${holder.pid}, started ${holder.startedAt}: ${holder.command})`
      : "another process";
  return `buffer.path: ${path} is in use by ${who}: stop that agent, or give this one its own buffer.path (one buffer file per agent)`;
}
