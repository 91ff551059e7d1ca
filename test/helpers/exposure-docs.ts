// The exposure figures docs/operators/install.md gives for the units, so a test that rates a unit
// can hold the docs to what systemd-analyze says of it now.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./processes.js";

const INSTALL_DOC = join(ROOT, "docs/operators/install.md");

/** The exposure the operators' install guide states for `unit`, or undefined if none. */
export function documentedExposure(unit: string): number | undefined {
  const row = new RegExp(
    `^\\|\\s*\`${unit.replace(/\./g, "\\.")}\`\\s*\\|\\s*(\\d+\\.\\d)\\s*\\|`,
    "m",
  );
  const found = row.exec(readFileSync(INSTALL_DOC, "utf8"));
  return found ? Number(found[1]) : undefined;
}
