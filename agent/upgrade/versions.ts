// The versions folder beside the agent's data, which the launcher and the agent share: one folder per
// installed package (<version>/), `current` naming the one to run (absent: the base install), and
// two records: pending.json while a new version has not confirmed itself, rollback.json once the
// launcher went back. Read by the launcher, so it imports nothing but node:.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The agent asks its service manager for a restart into the version `current` names. */
export const UPGRADE_EXIT_CODE = 75;
/** A new version that exited this many times before confirming is rolled back. */
export const MAX_FAILED_STARTS = 3;
/** Set by the launcher for the agent it starts: the versions folder. Its absence: no launcher. */
export const VERSIONS_ENV = "GIAMSAT_AGENT_VERSIONS";

/** An upgrade not yet confirmed: the launcher goes back to `from` past the deadline or after failed starts. */
export interface PendingUpgrade {
  from: string;
  /** What `current` held before (undefined: the base install). */
  fromCurrent: string | undefined;
  to: string;
  /** ms since the epoch. */
  deadline: number;
  /** Times the new version exited before confirming. */
  exits: number;
}

export interface Rollback {
  from: string;
  to: string;
  reason: string;
  at: number;
  /** The version that was rolled back to has told the collector. */
  reported: boolean;
}

/** Writes through a temporary file and a rename, so a crash leaves the old or the new file. */
function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

export class VersionsFolder {
  constructor(readonly path: string) {}

  dirOf(version: string): string {
    return join(this.path, version);
  }

  /** The installed version `current` names, or undefined for the base install. */
  current(): string | undefined {
    try {
      const name = readFileSync(join(this.path, "current"), "utf8").trim();
      return name && existsSync(join(this.dirOf(name), "dist/agent/cli.js")) ? name : undefined;
    } catch {
      return undefined;
    }
  }

  setCurrent(version: string | undefined): void {
    if (version === undefined) rmSync(join(this.path, "current"), { force: true });
    else writeAtomically(join(this.path, "current"), `${version}\n`);
  }

  pending(): PendingUpgrade | undefined {
    return readJson<PendingUpgrade>(join(this.path, "pending.json"));
  }

  setPending(pending: PendingUpgrade | undefined): void {
    const path = join(this.path, "pending.json");
    if (pending === undefined) rmSync(path, { force: true });
    else writeAtomically(path, JSON.stringify(pending));
  }

  rollback(): Rollback | undefined {
    return readJson<Rollback>(join(this.path, "rollback.json"));
  }

  setRollback(rollback: Rollback): void {
    writeAtomically(join(this.path, "rollback.json"), JSON.stringify(rollback));
  }

  /** Goes back to the version the pending upgrade came from, and says why in rollback.json. */
  rollBack(pending: PendingUpgrade, reason: string, now: number): void {
    this.setCurrent(pending.fromCurrent);
    this.setRollback({ from: pending.from, to: pending.to, reason, at: now, reported: false });
    this.setPending(undefined);
  }
}
