// `giamsat-collector install` and `uninstall`: the collector as a systemd service of this machine,
// with /etc/giamsat/collector.yaml (mode 0600, its user's), its database in /var/lib/giamsat-collector
// (the one place the service may write), its TLS files copied beside the config.
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import { ConfigError } from "../../shared/errors.js";
import {
  enableAndStart,
  ensureUser,
  installUnit,
  prepareFolders,
  requireRoot,
  uninstallLinux,
  writePrivate,
} from "../../shared/service/linux.js";
import { LINUX, linuxSpec, type ServiceSpec } from "../../shared/service/spec.js";
import { loadCollectorConfig } from "../config.js";

export const INSTALL_HELP = `  giamsat-collector install [--config collector.yaml] [--root DIR]
  giamsat-collector uninstall [--purge] [--root DIR]`;

const STATE = `${LINUX.stateRoot}/giamsat-collector`;
const DATABASE = `${STATE}/collector.db`;

/** A collector.yaml to start from when none is given: loopback only, no units yet. */
export const STARTER = `# giamsat collector configuration: see the operators' guide, collector.yaml.
# Listen on the data center's address with tls (cert and key) before agents connect from units.
listen: "127.0.0.1:8080"
database: "${DATABASE}"
units: []
`;

export function collectorServiceSpec(): ServiceSpec {
  const script = fileURLToPath(new URL("./main.js", import.meta.url));
  return linuxSpec("collector", { node: process.execPath, nodeFlags: [], script });
}

/** The given collector.yaml made fit for the service: database in its state folder, TLS beside. */
function adaptConfig(file: string): { text: string; copies: [string, string][] } {
  if (process.platform === "win32") {
    throw new ConfigError("giamsat-collector install is for Linux with systemd");
  }
  const config = loadCollectorConfig(file);
  const doc = parseDocument(readFileSync(file, "utf8"));
  doc.set("database", DATABASE);
  const copies: [string, string][] = [];
  if (config.tls) {
    for (const key of ["cert", "key"] as const) {
      const to = `${LINUX.configDir}/collector-${key}.pem`;
      copies.push([config.tls[key], to]);
      doc.setIn(["tls", key], to);
    }
  }
  return { text: doc.toString(), copies };
}

export function installCollector(
  options: { config?: string | undefined; root?: string | undefined },
  say: (line: string) => void,
): void {
  requireRoot("giamsat-collector install");
  const spec = collectorServiceSpec();
  const target = { root: options.root ?? "/", say };
  const configFile = join(target.root, spec.configFile);
  const given = options.config ? adaptConfig(options.config) : undefined;
  const ids = ensureUser(target, spec);
  prepareFolders(target, spec, ids);
  if (given) {
    for (const [from, to] of given.copies) {
      writePrivate(target, to, readFileSync(from, "utf8"), ids);
      say(`copied ${basename(from)} to ${to}`);
    }
    writePrivate(target, spec.configFile, given.text, ids);
    say(`wrote ${spec.configFile} (mode 0600, owner ${spec.user}), database ${DATABASE}`);
  } else if (!existsSync(configFile)) {
    writePrivate(target, spec.configFile, STARTER, ids);
    say(
      `wrote a starting ${spec.configFile}: add the units, listen and tls, then systemctl restart ${spec.name}`,
    );
  }
  installUnit(target, spec, "giamsat-collector install; giamsat-collector uninstall removes it");
  enableAndStart(target, spec);
}

/** The config and the database stay (they are the city's records) unless --purge. */
export function uninstallCollector(
  options: { purge: boolean; root?: string | undefined },
  say: (line: string) => void,
): void {
  requireRoot("giamsat-collector uninstall");
  const spec = collectorServiceSpec();
  const remove = options.purge
    ? [
        spec.configFile,
        `${LINUX.configDir}/collector-cert.pem`,
        `${LINUX.configDir}/collector-key.pem`,
      ]
    : [];
  uninstallLinux({ root: options.root ?? "/", say }, spec, { remove, purge: options.purge });
  if (!options.purge) say(`kept ${spec.configFile} (--purge removes it)`);
}
