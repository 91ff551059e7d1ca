// Enrollment with a unit's code: the code's format, and the one HTTP exchange in which an agent
// trades a code for a token of its own (POST /agent/enroll beside the agents' WebSocket).
import { z } from "zod";
import { AGENT_PATH } from "./protocol.js";

export const ENROLL_PATH = `${AGENT_PATH}/enroll`;

/**
 * A code is `gse-<selector>-<secret>` in lower-case base32: the selector (40 bits) finds the stored
 * code, the secret (130 bits) is what proves it; only a hash of the whole code is kept.
 */
export const ENROLLMENT_CODE = /^gse-([a-z2-7]{8})-([a-z2-7]{26})$/;

/** The selector of a well-formed code; undefined for anything else. */
export function codeSelector(code: string): string | undefined {
  return ENROLLMENT_CODE.exec(code)?.[1];
}

/** Most bytes an enrollment request may have: a code and three short strings. */
export const MAX_ENROLL_BYTES = 4096;

export const enrollRequestSchema = z.strictObject({
  code: z.string().max(64),
  hostname: z.string().min(1).max(255),
  os: z.string().max(200),
  agentVersion: z.string().max(64),
});
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;

export const enrollResponseSchema = z.strictObject({
  unit: z.string(),
  agent: z.string(),
  token: z.string(),
});
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;

/** The enrollment URL for an agent's collector URL: ws→http, wss→https, same host and port. */
export function enrollUrl(collector: string): URL {
  const url = new URL(collector);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.pathname = ENROLL_PATH;
  url.search = "";
  url.hash = "";
  return url;
}

/**
 * The agent's name from its host name: lower-case letters, digits, '.', '_' and '-', at most 48
 * characters (room for a "-2" when the name is taken), "agent" when nothing is left.
 */
export function agentNameFor(hostname: string): string {
  const cleaned = hostname
    .toLowerCase()
    .split(".")[0]
    ?.replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "")
    .slice(0, 48);
  return cleaned ? cleaned : "agent";
}
