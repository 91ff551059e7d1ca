// `giamsat-collector package-key` makes the city's Ed25519 key pair for agent packages, and
// `sign-package` writes a package's .sha256 and .sig beside it, which the collector checks before it
// offers the package and the agents check before they install it (shared/agent-package.ts).
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { newPackageKey, parsePackageName, signPackage } from "../../shared/agent-package.js";
import { parseCommand, requireOption } from "../../shared/cli.js";
import { ConfigError, errorMessage } from "../../shared/errors.js";

export const PACKAGES_HELP = `  giamsat-collector package-key --out NAME
  giamsat-collector sign-package --key NAME.pem FILE`;

export function packageKeyCommand(args: string[], help: () => number): number {
  const { values } = parseCommand(args, {
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return help();
  const out = requireOption(values, "out");
  const [privateFile, publicFile] = [`${out}.pem`, `${out}.pub.pem`];
  for (const file of [privateFile, publicFile]) {
    if (existsSync(file)) throw new ConfigError(`${file} exists already; choose another --out`);
  }
  const { privatePem, publicPem } = newPackageKey();
  writeFileSync(privateFile, privatePem, { mode: 0o600 });
  writeFileSync(publicFile, publicPem);
  process.stderr.write(
    `${privateFile}: the private key; keep it off the collector, with whoever signs packages\n${publicFile}: the public key, for collector.yaml and agent.yaml (upgrades.publicKey)\n`,
  );
  return 0;
}

export function signPackageCommand(args: string[], help: () => number): number {
  const parsed = (() => {
    try {
      return parseArgs({
        args,
        options: { key: { type: "string" }, help: { type: "boolean", short: "h" } },
        allowPositionals: true,
      });
    } catch (error) {
      throw new ConfigError(`${errorMessage(error)} (see --help)`, { cause: error });
    }
  })();
  if (parsed.values.help) return help();
  const key = requireOption(parsed.values, "key");
  const [file, ...more] = parsed.positionals;
  if (file === undefined || more.length > 0) throw new ConfigError("name one package file");
  if (!parsePackageName(basename(file))) {
    throw new ConfigError(
      `${basename(file)} is not named giamsat-agent-<version>-<platform>-<arch>.tar.gz; agents would not be offered it`,
    );
  }
  const data = readFileSync(file);
  const signature = signPackage(data, readFileSync(key, "utf8"));
  const sha256 = createHash("sha256").update(data).digest("hex");
  writeFileSync(`${file}.sha256`, `${sha256}  ${basename(file)}\n`);
  writeFileSync(`${file}.sig`, `${signature}\n`);
  process.stderr.write(`${file}.sha256 and ${file}.sig written\n`);
  return 0;
}
