// The fields of a ping check, and the timing rule that ties count, packetInterval and timeout:
// ping must send every packet and wait for the last reply within the check's timeout.
import { z } from "zod";
import { duration, formatDuration } from "../../duration.js";
import { defineCheckSchema } from "./check-schema.js";
import { hostField } from "./endpoint.js";

/** ping sends a little slower than asked (4-6 ms more per packet measured on Linux); budget 10. */
const SEND_SLACK_MS = 10;
/**
 * Kept free between ping's own end and the check's timeout: starting the process and reading it
 * took up to a second more than ping's own time when `giamsat-agent check` ran every check at once
 * on two busy cores.
 */
export const START_MARGIN_MS = 1000;
/** Bounds of the wait for the last replies (ping -W, whole seconds; 10 s is iputils' default). */
export const MIN_WAIT_S = 1;
export const MAX_WAIT_S = 10;
const MAX_COUNT = 100;

/** How long ping takes to send `count` packets `packetInterval` apart. */
export function sendingTime(count: number, packetInterval: number): number {
  return (count - 1) * (packetInterval + SEND_SLACK_MS);
}

/** The shortest check timeout in which ping can send every packet and wait for the last reply. */
export function minimumTimeout(count: number, packetInterval: number): number {
  return sendingTime(count, packetInterval) + MIN_WAIT_S * 1000 + START_MARGIN_MS;
}

export const pingCheckSchema = defineCheckSchema({
  kind: "ping",
  fields: {
    host: hostField,
    count: z.number().int().min(1).max(MAX_COUNT).default(5),
    // iputils refuses intervals under 2 ms (before 2021: 200 ms) unless run by root; 10 ms is
    // already a hundred packets a second.
    packetInterval: duration({ min: 10, max: 10_000 }).prefault("200ms"),
    // Bytes of data per packet; under 16 ping cannot put a timestamp in and measures no time.
    packetSize: z.number().int().min(16).max(65_507).optional(),
    /** Loss ratio above which the target counts as down even though some replies came. */
    maxLoss: z.number().min(0).max(1).optional(),
  },
  refine(check, ctx) {
    // zod still runs this when count itself was refused; its own message is enough then.
    if (!(check.count >= 1 && check.count <= MAX_COUNT)) return;
    const needed = minimumTimeout(check.count, check.packetInterval);
    if (check.timeout < needed) {
      ctx.addIssue({
        code: "custom",
        path: ["timeout"],
        message: `${formatDuration(check.timeout)} is too short for count ${check.count} × packetInterval ${formatDuration(check.packetInterval)}: ping needs at least ${formatDuration(needed)} to send them and wait for the last reply (raise timeout, or lower count or packetInterval)`,
      });
    }
  },
});
