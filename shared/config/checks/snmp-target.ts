// The fields naming an SNMP device and its credentials, shared by the snmp, printer and ups kinds,
// and the rules across them (RFC 3414 for the v3 user-based security model).
import { z } from "zod";
import { hostField, portField } from "./endpoint.js";

const VERSIONS = ["1", "2c", "3"] as const;
type Version = (typeof VERSIONS)[number];
const AUTH_PROTOCOLS = ["md5", "sha", "sha224", "sha256", "sha384", "sha512"] as const;
const PRIV_PROTOCOLS = ["des", "aes", "aes256b", "aes256r"] as const;
const V3_FIELDS = ["user", "authProtocol", "authKey", "privProtocol", "privKey"] as const;

/** RFC 3414 section 11.2: USM passwords have at least 8 characters; agents refuse shorter ones. */
const usmKey = z.string().min(8, "must be at least 8 characters (RFC 3414 section 11.2)");

/** The device and its credentials: the fields of every SNMP-speaking probe. */
export const snmpTargetFields = {
  host: hostField,
  port: portField.default(161),
  // YAML reads `version: 3` as a number; people write it so. Not z.enum: it would list "2c" last.
  version: z
    .preprocess(
      (v) => (typeof v === "number" ? String(v) : v),
      z.custom<Version>((v) => (VERSIONS as readonly unknown[]).includes(v), {
        error: (issue) => `must be one of "1", "2c", "3", got ${JSON.stringify(issue.input)}`,
      }),
    )
    .default("2c"),
  community: z.string().min(1).default("public"),
  user: z.string().min(1).max(32).optional(),
  authProtocol: z.enum(AUTH_PROTOCOLS).optional(),
  authKey: usmKey.optional(),
  privProtocol: z.enum(PRIV_PROTOCOLS).optional(),
  privKey: usmKey.optional(),
};

export type SnmpTarget = z.output<z.ZodObject<typeof snmpTargetFields>> & { timeout: number };

/** The rules across the credential fields: v3 fields only with v3, each key with its protocol. */
export function refineCredentials(check: SnmpTarget, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string) =>
    ctx.addIssue({ code: "custom", path, message });
  if (check.version !== "3") {
    for (const field of V3_FIELDS) {
      if (check[field] !== undefined) {
        issue([field], `is only used with version "3" (this check has version "${check.version}")`);
      }
    }
    return;
  }
  if (check.user === undefined) issue(["user"], 'is required with version "3"');
  if (check.authProtocol && !check.authKey) issue(["authKey"], "is required with authProtocol");
  if (check.authKey && !check.authProtocol) issue(["authProtocol"], "is required with authKey");
  if (check.privProtocol && !check.privKey) issue(["privKey"], "is required with privProtocol");
  if (check.privKey && !check.privProtocol) issue(["privProtocol"], "is required with privKey");
  if (check.privProtocol && !check.authProtocol) {
    issue(
      ["authProtocol"],
      "is required with privProtocol (SNMPv3 has no privacy without authentication)",
    );
  }
}
