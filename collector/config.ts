// Loads collector.yaml; relative paths in it are taken from the file's folder, as Prometheus does.
import { accessSync, constants } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { type CollectorConfig, collectorConfigSchema } from "../shared/config/collector.js";
import { loadConfigFile } from "../shared/config/load.js";
import { ConfigError } from "../shared/errors.js";
import { loadTls } from "./http/tls.js";

export function loadCollectorConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): CollectorConfig {
  const config = loadConfigFile(file, collectorConfigSchema, env);
  const base = dirname(resolve(file));
  if (!isAbsolute(config.database) && config.database !== ":memory:") {
    config.database = resolve(base, config.database);
  }
  for (const [index, endpoint] of config.remoteWrite.entries()) {
    if (endpoint.tls?.ca === undefined) continue;
    endpoint.tls.ca = resolve(base, endpoint.tls.ca);
    try {
      accessSync(endpoint.tls.ca, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(
        `${file}: remoteWrite[${index}].tls.ca: cannot read ${endpoint.tls.ca} (${code === "ENOENT" ? "no such file" : String(code)})`,
      );
    }
  }
  if (config.tls) {
    config.tls.cert = resolve(base, config.tls.cert);
    config.tls.key = resolve(base, config.tls.key);
    // Read once here so a bad pair is a config error (exit 2) naming the field.
    loadTls(config.tls, file);
  }
  return config;
}
