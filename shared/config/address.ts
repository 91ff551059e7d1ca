// "host:port" listen addresses, including "[::1]:8080", parsed once at load.
import { z } from "zod";

export interface ListenAddress {
  host: string;
  port: number;
}

export function parseListen(text: string): ListenAddress | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65_535) return undefined;
  return { host: match[1] ?? match[2] ?? "", port };
}

export const listenSchema = z.string().transform((text, ctx) => {
  const address = parseListen(text);
  if (!address) {
    ctx.addIssue({ code: "custom", message: `invalid listen address "${text}" (write host:port)` });
    return z.NEVER;
  }
  return address;
});

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
