// units[].discovery in collector.yaml: the networks a unit owns (the only addresses its discovery
// may touch), the SNMP credentials tried in order, how fast the sweep may go, and when it runs on
// its own (a schedule in Vietnam time, in the words maintenance windows use).
import { z } from "zod";
import { snmpCredentialSchema } from "../discovery.js";
import { parseNetwork, within } from "../networks.js";
import { WEEKDAYS } from "./maintenance.js";

const network = z.string().superRefine((text, ctx) => {
  const parsed = parseNetwork(text);
  if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
});

/**
 * When the collector starts a run by itself: every day, week (on `days`) or month (on `day`, 1–28
 * so every month has it) at `at`, Vietnam time, of `networks` (all the unit's when left out).
 */
export const discoveryScheduleSchema = z
  .strictObject({
    every: z.enum(["daily", "weekly", "monthly"]),
    at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day like "02:00"'),
    days: z.array(z.enum(WEEKDAYS)).min(1).max(7).optional(),
    day: z.number().int().min(1).max(28, "at most 28, a day every month has").optional(),
    networks: z.array(network).min(1).max(16).optional(),
  })
  .superRefine((s, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: "custom", path: [path], message });
    if (s.every === "weekly" && s.days === undefined)
      issue("days", 'every: weekly needs days, e.g. days: ["sun"]');
    if (s.every !== "weekly" && s.days !== undefined) issue("days", "only every: weekly takes it");
    if (s.every === "monthly" && s.day === undefined)
      issue("day", "every: monthly needs day, e.g. day: 1");
    if (s.every !== "monthly" && s.day !== undefined) issue("day", "only every: monthly takes it");
  });
export type DiscoverySchedule = z.output<typeof discoveryScheduleSchema>;

export const discoveryConfigSchema = z
  .strictObject({
    networks: z.array(network).min(1).max(16),
    snmp: z.array(snmpCredentialSchema).max(8).default([]),
    port: z.number().int().min(1).max(65_535).default(161),
    /** Probe packets per second, the whole run together: ICMP echoes, TCP SYNs, SNMP requests. */
    rate: z.number().int().min(1).max(1000).default(50),
    /** Addresses probed at once. */
    concurrency: z.number().int().min(1).max(64).default(16),
    schedule: discoveryScheduleSchema.optional(),
  })
  .superRefine((discovery, ctx) => {
    const owned = discovery.networks.map(parseNetwork);
    owned.forEach((one, i) => {
      owned.forEach((two, j) => {
        if (i < j && typeof one !== "string" && typeof two !== "string") {
          if (within(one, two) || within(two, one)) {
            ctx.addIssue({
              code: "custom",
              path: ["networks", j],
              message: `overlaps ${discovery.networks[i]}`,
            });
          }
        }
      });
    });
    // A schedule may only name the unit's own networks (or smaller ones inside them), as a request.
    discovery.schedule?.networks?.forEach((text, j) => {
      const network = parseNetwork(text);
      if (typeof network === "string") return;
      if (owned.some((mine) => typeof mine !== "string" && within(network, mine))) return;
      ctx.addIssue({
        code: "custom",
        path: ["schedule", "networks", j],
        message: `${network.text} is not among the unit's networks (${discovery.networks.join(", ")}): add it to discovery.networks if the unit owns it, or take it out of the schedule`,
      });
    });
  });
export type DiscoveryConfig = z.output<typeof discoveryConfigSchema>;
