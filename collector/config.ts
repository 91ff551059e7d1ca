// Loads collector.yaml; relative paths in it are taken from the file's folder, as Prometheus does.
import { accessSync, constants } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { centralCheckNames } from "../shared/config/central-checks.js";
import { type CollectorConfig, collectorConfigSchema } from "../shared/config/collector.js";
import { loadConfigFile, type UnusedPlaces } from "../shared/config/load.js";
import { ConfigError } from "../shared/errors.js";
import { loadTls } from "./http/tls.js";
import { resolveChannelFiles } from "./notifications/channels/index.js";

/**
 * What the service alone reads, so its secrets may come from the service's environment only:
 * notifications, remote_write, the /metrics token, and units' checks and discovery credentials.
 */
const SERVICE_ONLY: UnusedPlaces = ([top, , inUnit]) =>
  top === "notifications" ||
  top === "remoteWrite" ||
  top === "metrics" ||
  (top === "units" && (inUnit === "checks" || inUnit === "agents" || inUnit === "discovery"));

/**
 * Reads collector.yaml. `for: "database"` is for commands that change the database only (enroll,
 * revoke, users, ...): a variable left unset in what only the service reads stays as written.
 */
export function loadCollectorConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  options: { for: "service" | "database" } = { for: "service" },
): CollectorConfig {
  const unused = options.for === "database" ? SERVICE_ONLY : undefined;
  const config = loadConfigFile(file, collectorConfigSchema, env, centralCheckNames, unused);
  const base = dirname(resolve(file));
  if (!isAbsolute(config.database) && config.database !== ":memory:") {
    config.database = resolve(base, config.database);
  }
  const readable = (path: string, where: string) => {
    const absolute = resolve(base, path);
    try {
      accessSync(absolute, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(
        `${file}: ${where}: cannot read ${absolute} (${code === "ENOENT" ? "no such file" : String(code)})`,
      );
    }
    return absolute;
  };
  for (const [index, endpoint] of config.remoteWrite.entries()) {
    if (endpoint.tls?.ca === undefined) continue;
    endpoint.tls.ca = readable(endpoint.tls.ca, `remoteWrite[${index}].tls.ca`);
  }
  for (const [index, channel] of config.notifications.channels.entries()) {
    resolveChannelFiles(channel, (path, key) =>
      readable(path, `notifications.channels[${index}].${key}`),
    );
  }
  if (config.upgrades) config.upgrades.folder = resolve(base, config.upgrades.folder);
  if (config.tls) {
    config.tls.cert = resolve(base, config.tls.cert);
    config.tls.key = resolve(base, config.tls.key);
    // Read once here so a bad pair is a config error (exit 2) naming the field.
    loadTls(config.tls, file);
  }
  return config;
}
