// Config fields naming a network endpoint, shared by the probes that connect somewhere.
import { isIP } from "node:net";
import { domainToASCII } from "node:url";
import { z } from "zod";

/** RFC 1123 labels; '_' too, which service names such as _dmarc use. */
const HOST_NAME =
  /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/**
 * The ASCII form of a host name ("cổng.vn" becomes "xn--cng-qmz.vn", RFC 5891) or an IP address
 * (brackets of an IPv6 literal dropped), or undefined when the text is neither.
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

export const portField = z
  .number()
  .int("must be a whole number")
  .min(1, "must be a port number (1-65535)")
  .max(65_535, "must be a port number (1-65535)");
