// Reads what the system `ping` printed (iputils on Linux, BSD ping on macOS) into numbers and a
// cause. Pure, so every shape of output is tested from captured fixtures.

/** What one ping run measured. Times are in seconds. */
export interface PingStats {
  kind: "stats";
  transmitted: number;
  /** Echo replies, without duplicates. */
  received: number;
  /** ICMP errors instead of replies (e.g. "Destination Host Unreachable" from a router). */
  errors: number;
  /** The first ICMP error, as ping printed it, e.g. "Destination Host Unreachable from 10.0.0.1". */
  firstError?: string;
  rtt?: { min: number; avg: number; max: number; mdev: number };
}

/** Ping stopped before sending anything: a name it could not resolve, no route, a refused option. */
export interface PingFailure {
  kind: "failure";
  reason: "dns" | "unreachable" | "error";
  /** ping's own words, e.g. "ping: connect: Network is unreachable". */
  message: string;
  /**
   * Ping may not open ICMP sockets: no CAP_NET_RAW (nor setuid) and this group is outside
   * net.ipv4.ping_group_range. A fault of the machine's setup, not of the target.
   */
  noRights?: true;
}

const SUMMARY = /(\d+) packets transmitted, (\d+) (?:packets )?received/;
const ERRORS = /\+(\d+) errors?/;
// iputils writes "rtt min/avg/max/mdev", BSD "round-trip min/avg/max/stddev"; both in milliseconds.
// A comma is accepted as decimal mark in case a locale slipped through.
const RTT =
  /(?:rtt|round-trip) min\/avg\/max\/(?:mdev|stddev) = ([\d.,]+)\/([\d.,]+)\/([\d.,]+)\/([\d.,]+) ms/;
// "From 10.0.0.1 icmp_seq=1 Destination Host Unreachable" (iputils); "From 10.0.0.1 (10.0.0.1) ..."
// when names are shown.
const ICMP_ERROR = /^From (\S+)(?: \([^)]*\))?:? icmp_seq=\d+ (.+)$/m;
const DNS_FAILURE =
  /Name or service not known|Temporary failure in name resolution|No address associated with hostname|unknown host|cannot resolve|nodename nor servname/i;
const NO_ROUTE = /Network is unreachable|No route to host|Cannot assign requested address/i;
// iputils: "ping: socket: Operation not permitted" (no raw socket, and ICMP datagram sockets not
// allowed to this group), "=> missing cap_net_raw+p capability or setuid?"; BSD: "ping: socket:
// Permission denied".
const NO_RIGHTS = /socket: (?:Operation not permitted|Permission denied)|missing cap_net_raw/i;

function seconds(ms: string): number {
  return Number(ms.replace(",", ".")) / 1000;
}

export function parsePingOutput(output: string): PingStats | PingFailure {
  const summary = SUMMARY.exec(output);
  if (summary) {
    const stats: PingStats = {
      kind: "stats",
      transmitted: Number(summary[1]),
      received: Number(summary[2]),
      errors: 0,
    };
    const summaryLine = output.slice(summary.index).split("\n")[0] ?? "";
    const errors = ERRORS.exec(summaryLine);
    if (errors) stats.errors = Number(errors[1]);
    const icmpError = ICMP_ERROR.exec(output);
    if (icmpError) stats.firstError = `${icmpError[2]?.trim()} from ${icmpError[1]}`;
    const rtt = RTT.exec(output);
    if (rtt) {
      const [, min = "", avg = "", max = "", mdev = ""] = rtt;
      stats.rtt = { min: seconds(min), avg: seconds(avg), max: seconds(max), mdev: seconds(mdev) };
    }
    return stats;
  }
  const lines = output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  // ping's complaint is the line it prefixed with "ping:"; anything else is its banner.
  const message =
    lines.find((line) => line.startsWith("ping:")) ?? lines[0] ?? "ping printed nothing";
  const refused = lines.find((line) => NO_RIGHTS.test(line));
  if (refused) return { kind: "failure", reason: "error", message: refused, noRights: true };
  if (DNS_FAILURE.test(message)) return { kind: "failure", reason: "dns", message };
  if (NO_ROUTE.test(message)) return { kind: "failure", reason: "unreachable", message };
  return { kind: "failure", reason: "error", message };
}
