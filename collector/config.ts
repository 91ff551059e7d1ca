// Loads collector.yaml; relative paths in it are taken from the file's folder, as Prometheus does.
import { dirname, isAbsolute, resolve } from "node:path";
import { type CollectorConfig, collectorConfigSchema } from "../shared/config/collector.js";
import { loadConfigFile } from "../shared/config/load.js";
import { loadTls } from "./tls.js";

export function loadCollectorConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): CollectorConfig {
  const config = loadConfigFile(file, collectorConfigSchema, env);
  const base = dirname(resolve(file));
  if (!isAbsolute(config.database) && config.database !== ":memory:") {
    config.database = resolve(base, config.database);
  }
  if (config.tls) {
    config.tls.cert = resolve(base, config.tls.cert);
    config.tls.key = resolve(base, config.tls.key);
    // Read once here so a bad pair is a config error (exit 2) naming the field.
    loadTls(config.tls, file);
  }
  return config;
}
