// Real peers (snmpd, prometheus, chromium, ...): found on the machine, or a failure under CI=true.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

export function findBinary(name: string, extra: string[] = []): string | undefined {
  const dirs = [
    ...(process.env.PATH ?? "").split(delimiter),
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    ...extra,
  ];
  for (const dir of dirs) {
    const candidate = name.startsWith("/") ? name : join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/**
 * The path of a peer binary. Outside CI a missing peer skips the suite (returns undefined);
 * with CI=true it throws, so a CI run without its peers fails instead of passing quietly.
 */
export function peer(name: string): string | undefined {
  const found = findBinary(name);
  if (!found && process.env.CI === "true") {
    throw new Error(`${name} is required for this test under CI=true; .ci/run installs it`);
  }
  return found;
}
