// units[].discovery in collector.yaml: the networks a unit owns (the only addresses its discovery
// may touch), the SNMP credentials tried in order, and how fast the sweep may go.
import { z } from "zod";
import { snmpCredentialSchema } from "../discovery.js";
import { parseNetwork, within } from "../networks.js";

const network = z.string().superRefine((text, ctx) => {
  const parsed = parseNetwork(text);
  if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
});

export const discoveryConfigSchema = z
  .strictObject({
    networks: z.array(network).min(1).max(16),
    snmp: z.array(snmpCredentialSchema).max(8).default([]),
    port: z.number().int().min(1).max(65_535).default(161),
    /** Probe packets per second, the whole run together: ICMP echoes, TCP SYNs, SNMP requests. */
    rate: z.number().int().min(1).max(1000).default(50),
    /** Addresses probed at once. */
    concurrency: z.number().int().min(1).max(64).default(16),
  })
  .superRefine((discovery, ctx) => {
    discovery.networks.forEach((text, i) => {
      const one = parseNetwork(text);
      discovery.networks.forEach((other, j) => {
        const two = parseNetwork(other);
        if (i < j && typeof one !== "string" && typeof two !== "string") {
          if (within(one, two) || within(two, one)) {
            ctx.addIssue({ code: "custom", path: ["networks", j], message: `overlaps ${text}` });
          }
        }
      });
    });
  });
export type DiscoveryConfig = z.output<typeof discoveryConfigSchema>;
