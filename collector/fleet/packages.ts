// The agent packages in collector.yaml's upgrades.folder: each tarball with its .sha256 and .sig
// checked once (read again when the file changes), so only a package whose hash and signature of
// the city's key match is offered; the others are listed with what is wrong, for the fleet view.
import { createHash, type KeyObject } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parsePackageName, readPublicKey, signatureMatches } from "../../shared/agent-package.js";

export interface AgentPackage {
  file: string;
  version: string;
  platform: string;
  size: number;
  sha256: string;
  /** Base64 Ed25519 signature, as in the .sig file. */
  signature: string;
  /** Why it is not offered; undefined for a package that is. */
  problem: string | undefined;
}

export interface UpgradeSettings {
  folder: string;
  publicKey: string;
  target?: string | undefined;
  units: Record<string, string>;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return undefined;
  }
}

/** A package checked: its hash against .sha256, its signature against the city's key. */
export function checkPackage(
  folder: string,
  file: string,
  key: KeyObject,
): AgentPackage | undefined {
  const name = parsePackageName(file);
  if (!name) return undefined;
  const path = join(folder, file);
  const data = readFileSync(path);
  const sha256 = createHash("sha256").update(data).digest("hex");
  const written = readText(`${path}.sha256`)?.split(/\s+/)[0]?.toLowerCase();
  const signature = readText(`${path}.sig`) ?? "";
  let problem: string | undefined;
  if (written === undefined) problem = `no ${file}.sha256 beside it`;
  else if (written !== sha256)
    problem = `its SHA-256 is ${sha256}, not the ${written} of ${file}.sha256`;
  else if (signature === "") problem = `no ${file}.sig beside it: sign it with sign-package`;
  else if (!signatureMatches(data, signature, key)) {
    problem = `${file}.sig is not a signature of the city's key (upgrades.publicKey) for this file`;
  }
  return { file, ...name, size: data.length, sha256, signature, problem };
}

export class PackageShelf {
  #key: KeyObject;
  /** Checked packages by file, with the modification times they were checked at. */
  readonly #checked = new Map<string, { stamp: string; found: AgentPackage }>();

  constructor(private settings: UpgradeSettings) {
    this.#key = readPublicKey(settings.publicKey);
  }

  /** collector.yaml read again (SIGHUP): a new key checks every package again. */
  reconfigure(settings: UpgradeSettings): void {
    if (settings.publicKey !== this.settings.publicKey) this.#checked.clear();
    this.#key = readPublicKey(settings.publicKey);
    this.settings = settings;
  }

  /** The version a unit's agents should run: the unit's own, else the city's. */
  targetOf(unit: string): string | undefined {
    return this.settings.units[unit] ?? this.settings.target;
  }

  /** Every package in the folder, valid or not, by version and platform. */
  list(): AgentPackage[] {
    let files: string[];
    try {
      files = readdirSync(this.settings.folder);
    } catch {
      return [];
    }
    const found: AgentPackage[] = [];
    const seen = new Set<string>();
    for (const file of files) {
      if (!parsePackageName(file)) continue;
      seen.add(file);
      const path = join(this.settings.folder, file);
      const stamp = [path, `${path}.sha256`, `${path}.sig`]
        .map((p) => {
          try {
            const stat = statSync(p);
            return `${stat.size}:${stat.mtimeMs}`;
          } catch {
            return "-";
          }
        })
        .join("/");
      const before = this.#checked.get(file);
      if (before?.stamp === stamp) {
        found.push(before.found);
        continue;
      }
      const checked = checkPackage(this.settings.folder, file, this.#key);
      if (!checked) continue;
      this.#checked.set(file, { stamp, found: checked });
      found.push(checked);
    }
    for (const file of this.#checked.keys()) if (!seen.has(file)) this.#checked.delete(file);
    return found.sort((a, b) => a.file.localeCompare(b.file));
  }

  /** The valid package of this version for this platform, if the folder has one. */
  offer(version: string, platform: string): AgentPackage | undefined {
    return this.list().find(
      (p) => p.version === version && p.platform === platform && p.problem === undefined,
    );
  }

  /** The path of a file the shelf offers (never another file of the folder). */
  pathOf(file: string): string | undefined {
    const found = this.list().find((p) => p.file === file && p.problem === undefined);
    return found ? join(this.settings.folder, found.file) : undefined;
  }
}
