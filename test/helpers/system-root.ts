// A Linux system in a folder, as `install --root` sees one: this machine's user database copied in
// (useradd --root works on it), and what systemd's own tools say of the units installed there.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./processes.js";

/** A folder with etc/passwd, group, shadow, gshadow and login.defs of this machine. */
export function userDatabaseRoot(): { path: string; remove(): void } {
  const root = tempDir("giamsat-root-");
  mkdirSync(join(root.path, "etc"), { recursive: true });
  for (const file of ["passwd", "group", "shadow", "gshadow", "login.defs"]) {
    if (existsSync(`/etc/${file}`)) copyFileSync(`/etc/${file}`, join(root.path, "etc", file));
  }
  return root;
}

/** `systemd-analyze security --offline=yes` of a unit in `root`: its overall exposure (0-10). */
export function exposure(root: string, unit: string): { level: number; text: string } {
  const run = spawnSync(
    "systemd-analyze",
    ["security", "--offline=yes", `--root=${root}`, "--no-pager", unit],
    { encoding: "utf8" },
  );
  const text = `${run.stdout}${run.stderr}`;
  const found = /Overall exposure level for \S+: (\d+\.\d)/.exec(text);
  if (!found) throw new Error(`systemd-analyze security said:\n${text}`);
  return { level: Number(found[1]), text };
}

/** `systemd-analyze verify` of a unit file: what it complains about ("" when nothing). */
export function verify(file: string, root?: string): { status: number | null; said: string } {
  const run = spawnSync(
    "systemd-analyze",
    ["verify", ...(root ? [`--root=${root}`] : []), "--no-pager", file],
    { encoding: "utf8" },
  );
  return { status: run.status, said: `${run.stdout}${run.stderr}`.trim() };
}
