// Only buffer.path of agent.yaml, for `giamsat-agent status` (which must find the running agent while
// the file is being edited and holds a mistake elsewhere) and for the launcher, which keeps its
// versions beside the buffer and must not load the probes to find it.
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { bufferSchema } from "../shared/config/agent.js";
import { parseYaml, substituteEnv, validate } from "../shared/config/load.js";

export function loadBufferPath(file: string, env: NodeJS.ProcessEnv = process.env): string {
  const text = readFileSync(file, "utf8");
  const data = substituteEnv(file, parseYaml(file, text), env) as { buffer?: unknown } | null;
  const buffer = validate(file, bufferSchema, data?.buffer);
  return isAbsolute(buffer.path) ? buffer.path : resolve(dirname(resolve(file)), buffer.path);
}
