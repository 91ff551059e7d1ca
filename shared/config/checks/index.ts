// The one list of kinds of check and their schemas: agent.yaml's checks, the central checks the
// collector validates and the agent's probes (agent/probes/index.ts, one probe per kind) all
// follow it.
import { z } from "zod";
import type { CheckBase } from "../agent.js";
import type { CheckSchema } from "./check-schema.js";
import { dnsCheckSchema } from "./dns.js";
import { hostCheckSchema } from "./host.js";
import { httpCheckSchema } from "./http.js";
import { pingCheckSchema } from "./ping.js";
import { printerCheckSchema } from "./printer.js";
import { processCheckSchema } from "./process.js";
import { snmpCheckSchema } from "./snmp.js";
import { tcpCheckSchema } from "./tcp.js";
import { tlsCheckSchema } from "./tls.js";
import { upsCheckSchema } from "./ups.js";

/** Each kind's schema by its name, in the order the kinds are listed to people. */
export const CHECK_SCHEMAS = {
  host: hostCheckSchema,
  ping: pingCheckSchema,
  snmp: snmpCheckSchema,
  printer: printerCheckSchema,
  ups: upsCheckSchema,
  http: httpCheckSchema,
  tls: tlsCheckSchema,
  tcp: tcpCheckSchema,
  dns: dnsCheckSchema,
  process: processCheckSchema,
} as const;

export type CheckKind = keyof typeof CHECK_SCHEMAS;

export const CHECK_KINDS = Object.keys(CHECK_SCHEMAS) as CheckKind[];

/** The schema of a kind's checks, or undefined for a kind giamsat does not know. */
export function checkSchemaOf(kind: unknown): CheckSchema<CheckBase> | undefined {
  return typeof kind === "string" && Object.hasOwn(CHECK_SCHEMAS, kind)
    ? CHECK_SCHEMAS[kind as CheckKind]
    : undefined;
}

/** A check of any kind, told apart by `kind`. */
export const checkSchema = z.discriminatedUnion(
  "kind",
  Object.values(CHECK_SCHEMAS) as [
    (typeof CHECK_SCHEMAS)[CheckKind],
    ...(typeof CHECK_SCHEMAS)[CheckKind][],
  ],
);
