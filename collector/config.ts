// Loads collector.yaml; relative paths in it are taken from the file's folder, as Prometheus does.
import { dirname, isAbsolute, resolve } from "node:path";
import { type CollectorConfig, collectorConfigSchema } from "../shared/config/collector.js";
import { loadConfigFile } from "../shared/config/load.js";

export function loadCollectorConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): CollectorConfig {
  const config = loadConfigFile(file, collectorConfigSchema, env);
  const base = dirname(resolve(file));
  if (!isAbsolute(config.database) && config.database !== ":memory:") {
    config.database = resolve(base, config.database);
  }
  return config;
}
