// The fields of a dns check: the name, the type of record, the server asked and the answers expected.
import { isIP } from "node:net";
import { z } from "zod";
import { defineCheckSchema } from "./check-schema.js";
import { hostField, parseHostPort } from "./endpoint.js";

export const DNS_TYPES = ["A", "AAAA", "MX", "TXT", "CNAME", "NS"] as const;
export type DnsType = (typeof DNS_TYPES)[number];

/**
 * "192.0.2.53", "192.0.2.53:5353", "2001:db8::53" or "[2001:db8::53]:5353", as c-ares takes it:
 * an address, as c-ares does not look names up for its own servers.
 */
export function parseDnsServer(text: string): string | undefined {
  const server = parseHostPort(text, 53);
  const family = server ? isIP(server.host) : 0;
  if (!server || family === 0) return undefined;
  return family === 6 ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

export const dnsCheckSchema = defineCheckSchema({
  kind: "dns",
  fields: {
    /** The name to look up (a check's own `name` is its label, hence `query`). */
    query: hostField,
    type: z.enum(DNS_TYPES).default("A"),
    server: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return undefined;
        const server = parseDnsServer(text);
        if (!server) {
          ctx.addIssue({
            code: "custom",
            message: `${JSON.stringify(text)} is not an IP address or ip:port`,
          });
          return z.NEVER;
        }
        return server;
      }),
    /** Answers that must all be present, e.g. ["192.0.2.10"] or ["mail.example.gov.vn"] for MX. */
    expect: z.array(z.string().min(1)).min(1).optional(),
  },
});
