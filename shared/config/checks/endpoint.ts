// Config fields naming a network endpoint: the one rule for hosts and ports of every probe.
import { isIP } from "node:net";
import { domainToASCII } from "node:url";
import { z } from "zod";

export interface Endpoint {
  host: string;
  port: number;
}

/** RFC 1123 labels; '_' too, which service names such as _dmarc use. */
const HOST_NAME =
  /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/**
 * The ASCII form of a host name ("cổng.vn" becomes "xn--cng-qmz.vn", RFC 5891) or an IP address
 * (brackets of an IPv6 literal dropped), or undefined when the text is neither. Never starts with
 * "-": a host may end up in a program's argument list (ping's).
 */
export function parseHost(text: string): string | undefined {
  const bare = text.trim().replace(/^\[(.*)\]$/, "$1");
  if (isIP(bare)) return bare;
  const ascii = domainToASCII(bare);
  return ascii && HOST_NAME.test(ascii) ? ascii : undefined;
}

export const hostField = z.string().transform((text, ctx) => {
  const host = parseHost(text);
  if (host === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `${JSON.stringify(text)} is not a host name or IP address`,
    });
    return z.NEVER;
  }
  return host;
});

const PORT_RANGE = "must be a port number (1-65535)";

export const portField = z.number().int().min(1, PORT_RANGE).max(65_535, PORT_RANGE);

/**
 * "host", "host:port", "[ipv6]:port" or a bare IPv6 address, host checked by parseHost; the port is
 * `defaultPort` when none is written. Undefined when it is none of these.
 */
export function parseHostPort(text: string, defaultPort: number): Endpoint | undefined {
  const bare = text.trim();
  const withPort = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(bare);
  const port = withPort ? Number(withPort[3]) : defaultPort;
  if (port < 1 || port > 65_535) return undefined;
  const host = parseHost(withPort ? (withPort[1] ?? withPort[2] ?? "") : bare);
  return host === undefined ? undefined : { host, port };
}
