// Name resolution: one query of one type to the system's resolver or a given server, answers
// counted and optionally compared with those that must be there.

import { Resolver } from "node:dns/promises";
import { type DnsType, dnsCheckSchema } from "../../shared/config/checks/dns.js";
import { METRICS } from "../../shared/metrics.js";
import { defineProbe, type ProbeOutcome } from "./probe.js";
import { reasonOfCode } from "./reasons.js";

/** Each answer as one line of text: an address, a name, "10 mail.example.gov.vn", TXT strings joined. */
const LOOKUP: Record<DnsType, (resolver: Resolver, name: string) => Promise<string[]>> = {
  A: (r, name) => r.resolve4(name),
  AAAA: (r, name) => r.resolve6(name),
  MX: async (r, name) =>
    (await r.resolveMx(name))
      .sort((a, b) => a.priority - b.priority)
      .map((mx) => `${mx.priority} ${mx.exchange}`),
  // RFC 7208 section 3.3: the strings of one TXT record are one text, joined without spaces.
  // Node hands the bytes over as Latin-1; TXT text in the wild is UTF-8 (Vietnamese included).
  TXT: async (r, name) =>
    (await r.resolveTxt(name)).map((chunks) =>
      Buffer.from(chunks.join(""), "latin1").toString("utf8"),
    ),
  CNAME: (r, name) => r.resolveCname(name),
  NS: (r, name) => r.resolveNs(name),
};

/** c-ares error codes (node:dns) in the words people read; their reasons are in reasons.ts. */
const WORDS: Record<string, string> = {
  ENOTFOUND: "no such name",
  ENODATA: "no answer",
  ESERVFAIL: "server failure",
  ETIMEOUT: "no answer from the server in time",
  ECONNREFUSED: "the server refused the connection",
  EREFUSED: "the server refused the query",
  EFORMERR: "the server found the query malformed",
  EBADRESP: "malformed answer",
  ENOTIMP: "the server does not implement this query",
};

/** An expected answer matches ignoring case and a final dot; an MX answer also by its name alone. */
function matches(type: DnsType, answer: string, expected: string): boolean {
  if (type === "TXT") return answer === expected;
  const norm = (text: string) => text.trim().toLowerCase().replace(/\.$/, "");
  const want = norm(type === "AAAA" ? canonicalIpv6(expected) : expected);
  const got = norm(answer);
  return got === want || (type === "MX" && got.split(" ")[1] === want);
}

function canonicalIpv6(address: string): string {
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address;
  }
}

export const dnsProbe = defineProbe({
  schema: dnsCheckSchema,
  async run(check, ctx) {
    // A lost UDP datagram deserves a second try, as resolv.conf's attempts:2. c-ares (1.34) waits
    // roughly three times `timeout` over two tries, so both fit in the check's timeout; the
    // scheduler stops the lookup at that timeout in any case.
    const resolver = new Resolver({
      timeout: Math.max(50, Math.floor(check.timeout / 3)),
      tries: 2,
    });
    if (check.server) resolver.setServers([check.server]);
    const cancel = () => resolver.cancel();
    ctx.signal.addEventListener("abort", cancel, { once: true });
    let answers: string[];
    try {
      answers = await LOOKUP[check.type](resolver, check.query);
    } catch (error) {
      return lookupFailure(error, ctx.signal);
    } finally {
      ctx.signal.removeEventListener("abort", cancel);
    }
    const shown = answers.slice(0, 5).join(" ") + (answers.length > 5 ? " …" : "");
    const outcome: ProbeOutcome = {
      up: true,
      samples: [{ metric: METRICS.dnsAnswers.name, value: answers.length }],
      summary: { answers: String(answers.length), values: shown },
    };
    const missing = (check.expect ?? []).filter(
      (want) => !answers.some((answer) => matches(check.type, answer, want)),
    );
    if (missing.length) {
      outcome.up = false;
      outcome.reason = "content";
      outcome.message = `missing ${missing.join(", ")}; got ${answers.join(", ")}`;
    }
    return outcome;
  },
});

function lookupFailure(error: unknown, signal: AbortSignal): ProbeOutcome {
  if (signal.aborted) return { up: false, reason: "timeout", message: "no answer in time" };
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== "string") throw error;
  // Any other failure of a lookup is still the lookup's.
  const reason = reasonOfCode(code) ?? "dns";
  const message = WORDS[code] ?? `lookup failed (${code})`;
  // No such name and no answer are answers too: zero of them.
  const samples =
    code === "ENOTFOUND" || code === "ENODATA"
      ? [{ metric: METRICS.dnsAnswers.name, value: 0 }]
      : [];
  return { up: false, reason, message, samples };
}
