// The package shelf of upgrades.folder: only packages whose .sha256 and .sig (the city's key) match
// are offered, each other one is listed with what is wrong; real files in a temporary folder.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PackageShelf } from "../../../collector/fleet/packages.js";
import { newPackageKey, signPackage } from "../../../shared/agent-package.js";
import { tempDir } from "../../helpers/processes.js";

const city = newPackageKey();
const other = newPackageKey();
const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function folder(): string {
  const dir = tempDir("giamsat-packages-");
  dirs.push(dir);
  return dir.path;
}

/** A package file with its .sha256 and .sig as sign-package writes them, unless told otherwise. */
function place(
  at: string,
  file: string,
  options: { sha256?: string | null; key?: string | null; content?: string } = {},
): void {
  const data = Buffer.from(options.content ?? `package ${file}`);
  writeFileSync(join(at, file), data);
  const sha256 = createHash("sha256").update(data).digest("hex");
  if (options.sha256 !== null)
    writeFileSync(join(at, `${file}.sha256`), `${options.sha256 ?? sha256}  ${file}\n`);
  if (options.key !== null) {
    writeFileSync(
      join(at, `${file}.sig`),
      `${signPackage(data, options.key ?? city.privatePem)}\n`,
    );
  }
}

const shelfOf = (at: string, units: Record<string, string> = {}) =>
  new PackageShelf({ folder: at, publicKey: city.publicPem, target: "0.2.0", units });

describe("the package shelf", () => {
  it("offers a signed package for its version and platform, and lists what is wrong with the others", () => {
    const at = folder();
    place(at, "giamsat-agent-0.2.0-linux-x64.tar.gz");
    place(at, "giamsat-agent-0.2.0-linux-arm64.tar.gz", { key: other.privatePem });
    place(at, "giamsat-agent-0.3.0-linux-x64.tar.gz", { sha256: "0".repeat(64) });
    place(at, "giamsat-agent-0.4.0-linux-x64.tar.gz", { sha256: null });
    place(at, "giamsat-agent-0.5.0-linux-x64.tar.gz", { key: null });
    writeFileSync(join(at, "README.txt"), "not a package");
    const shelf = shelfOf(at);
    expect(shelf.list().map((p) => [p.file, p.problem])).toEqual([
      [
        "giamsat-agent-0.2.0-linux-arm64.tar.gz",
        "giamsat-agent-0.2.0-linux-arm64.tar.gz.sig is not a signature of the city's key (upgrades.publicKey) for this file",
      ],
      ["giamsat-agent-0.2.0-linux-x64.tar.gz", undefined],
      [
        "giamsat-agent-0.3.0-linux-x64.tar.gz",
        expect.stringMatching(
          /^its SHA-256 is [0-9a-f]{64}, not the 0{64} of giamsat-agent-0\.3\.0-linux-x64\.tar\.gz\.sha256$/,
        ),
      ],
      [
        "giamsat-agent-0.4.0-linux-x64.tar.gz",
        "no giamsat-agent-0.4.0-linux-x64.tar.gz.sha256 beside it",
      ],
      [
        "giamsat-agent-0.5.0-linux-x64.tar.gz",
        "no giamsat-agent-0.5.0-linux-x64.tar.gz.sig beside it: sign it with sign-package",
      ],
    ]);
    expect(shelf.offer("0.2.0", "linux-x64")?.file).toBe("giamsat-agent-0.2.0-linux-x64.tar.gz");
    expect(shelf.offer("0.2.0", "linux-arm64")).toBeUndefined();
    expect(shelf.offer("0.3.0", "linux-x64")).toBeUndefined();
    expect(shelf.pathOf("giamsat-agent-0.2.0-linux-x64.tar.gz")).toBe(
      join(at, "giamsat-agent-0.2.0-linux-x64.tar.gz"),
    );
    expect(shelf.pathOf("giamsat-agent-0.5.0-linux-x64.tar.gz")).toBeUndefined();
    expect(shelf.pathOf("README.txt")).toBeUndefined();
  });

  it("checks a package again when its file changes", () => {
    const at = folder();
    place(at, "giamsat-agent-0.2.0-linux-x64.tar.gz");
    const shelf = shelfOf(at);
    expect(shelf.offer("0.2.0", "linux-x64")).toBeDefined();
    // The tarball replaced, its .sha256 and .sig left from the one before.
    writeFileSync(
      join(at, "giamsat-agent-0.2.0-linux-x64.tar.gz"),
      "another build, longer than before",
    );
    expect(shelf.offer("0.2.0", "linux-x64")).toBeUndefined();
    expect(shelf.list()[0]?.problem).toMatch(/^its SHA-256 is /);
  });

  it("takes a unit's own target over the city's", () => {
    const shelf = shelfOf(folder(), { "so-tttt": "0.2.1" });
    expect(shelf.targetOf("so-tttt")).toBe("0.2.1");
    expect(shelf.targetOf("quan-hai-chau")).toBe("0.2.0");
  });
});
