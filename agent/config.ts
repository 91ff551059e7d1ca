// agent.yaml: the shared base schema plus the checks, whose union is built from the probe table.
import { dirname, isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { agentBaseShape, type CheckBase } from "../shared/config/agent.js";
import { loadConfigFile } from "../shared/config/load.js";
import { hostProbe } from "./probes/host.js";
import { PROBES } from "./probes/index.js";

type CheckOptions = Parameters<typeof z.discriminatedUnion>[1];

/** The host section is the host probe's check without name, category and kind. */
const hostSection = (hostProbe.schema as unknown as z.ZodObject).omit({
  name: true,
  category: true,
  kind: true,
});

export const agentConfigSchema = z
  .strictObject({
    ...agentBaseShape,
    /** This machine, checked as category equipment; false turns it off. */
    host: z.union([z.literal(false), hostSection]).prefault({}),
    checks: z
      .array(z.discriminatedUnion("kind", PROBES.map((p) => p.schema) as unknown as CheckOptions))
      .default([]),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>(config.host === false ? [] : ["host"]);
    config.checks.forEach((check, index) => {
      const { name } = check as unknown as CheckBase;
      if (seen.has(name)) {
        ctx.addIssue({
          code: "custom",
          path: ["checks", index, "name"],
          message: `duplicate check name "${name}"${name === "host" ? ' ("host" is the host section)' : ""}`,
        });
      }
      seen.add(name);
    });
  })
  .transform(({ host, checks, ...rest }) => ({
    ...rest,
    checks: [
      ...(host === false ? [] : [{ ...host, name: "host", category: "equipment", kind: "host" }]),
      ...checks,
    ] as unknown as CheckBase[],
  }));

export type AgentConfig = z.output<typeof agentConfigSchema>;

/** Loads agent.yaml; relative paths in it are taken from the file's folder. */
export function loadAgentConfig(file: string, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const config = loadConfigFile(file, agentConfigSchema, env);
  if (!isAbsolute(config.buffer.path)) {
    config.buffer.path = resolve(dirname(resolve(file)), config.buffer.path);
  }
  return config;
}
