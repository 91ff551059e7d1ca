// Installed software for the host inventory, where the platform lists it cheaply: dpkg on
// Debian/Ubuntu, rpm on Red Hat/SUSE. Bounded, because it travels in one WebSocket frame.
import { runCapped } from "./command.js";

export interface SoftwarePackage {
  name: string;
  version: string;
}

export type SoftwareInventory =
  | { source: "dpkg" | "rpm"; packages: SoftwarePackage[]; total: number; truncated: boolean }
  | { source: "none"; note: string };

/** At most this many packages, and this much JSON, go into one inventory (frames are 1 MiB). */
export const MAX_PACKAGES = 3000;
export const MAX_SOFTWARE_BYTES = 256 * 1024;
const MAX_NAME = 128;
const MAX_VERSION = 64;
/** What the package managers may print before we stop them (a big desktop prints ~200 KiB). */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

// dpkg-query expands ${...} fields and the \t \n escapes itself (dpkg-query(1), --showformat).
// The status lets removed packages whose configuration files remain ("rc") be left out.
// biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's format, not a JS template
export const DPKG_ARGS = ["-W", "-f=${db:Status-Abbrev}\\t${Package}\\t${Version}\\n"];
// rpm(8) --queryformat; rpm -qa lists installed packages only.
export const RPM_ARGS = ["-qa", "--qf", "%{NAME}\\t%{VERSION}-%{RELEASE}\\n"];

function rows(text: string): string[][] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => line.split("\t"));
}

/** `dpkg-query -W` output in DPKG_ARGS' format; keeps packages whose status is "installed". */
export function parseDpkgList(text: string): SoftwarePackage[] {
  const packages: SoftwarePackage[] = [];
  for (const [status = "", name = "", version = ""] of rows(text)) {
    // Status-Abbrev is desired state, current state, error flag: "ii ", "hi ", "rc ".
    if (status[1] === "i" && name) packages.push({ name, version });
  }
  return packages;
}

/** `rpm -qa` output in RPM_ARGS' format, sorted by name (rpm prints database order). */
export function parseRpmList(text: string): SoftwarePackage[] {
  return rows(text)
    .map(([name = "", version = ""]) => ({ name, version }))
    .filter((p) => p.name && p.name !== "gpg-pubkey") // signing keys, not software
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Cuts long names and versions and stops at MAX_PACKAGES or MAX_SOFTWARE_BYTES of JSON. */
export function boundPackages(all: readonly SoftwarePackage[]): {
  packages: SoftwarePackage[];
  truncated: boolean;
} {
  const packages: SoftwarePackage[] = [];
  let bytes = 2;
  for (const p of all) {
    const item = { name: p.name.slice(0, MAX_NAME), version: p.version.slice(0, MAX_VERSION) };
    bytes += Buffer.byteLength(JSON.stringify(item)) + 1;
    if (packages.length >= MAX_PACKAGES || bytes > MAX_SOFTWARE_BYTES) {
      return { packages, truncated: true };
    }
    packages.push(item);
  }
  return { packages, truncated: false };
}

const SOURCES = [
  { source: "dpkg", file: "dpkg-query", args: DPKG_ARGS, parse: parseDpkgList },
  { source: "rpm", file: "rpm", args: RPM_ARGS, parse: parseRpmList },
] as const;

export async function installedSoftware(
  signal: AbortSignal,
  platform: NodeJS.Platform = process.platform,
): Promise<SoftwareInventory> {
  if (platform === "win32") {
    // Windows keeps the list in the registry (Uninstall keys); systeminformation has no cheap call.
    return { source: "none", note: "not collected on Windows" };
  }
  if (platform !== "linux") return { source: "none", note: `not collected on ${platform}` };
  for (const { source, file, args, parse } of SOURCES) {
    let output: Awaited<ReturnType<typeof runCapped>>;
    try {
      output = await runCapped(file, args, { maxBytes: MAX_OUTPUT_BYTES, signal });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    if (output.exitCode !== 0 && !output.truncated) {
      return { source: "none", note: `${file} failed (exit ${output.exitCode})` };
    }
    const all = parse(output.stdout);
    const bounded = boundPackages(all);
    return {
      source,
      packages: bounded.packages,
      total: all.length,
      truncated: bounded.truncated || output.truncated,
    };
  }
  return { source: "none", note: "neither dpkg-query nor rpm is installed" };
}
