// ICMP echo to a host (gateway, switch, the data-center link): round-trip times, jitter and loss.
// Runs the system ping (iputils on Linux, BSD ping on macOS; Windows' ping takes other options and
// prints another summary) without a shell. A machine without ping, or where ping may not open ICMP
// sockets, is a fault of the machine's setup: the check is down saying what to install or allow.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import {
  MAX_WAIT_S,
  MIN_WAIT_S,
  pingCheckSchema,
  START_MARGIN_MS,
  sendingTime,
} from "../../shared/config/checks/ping.js";
import { METRICS } from "../../shared/metrics.js";
import { programPath, runCapped } from "./command.js";
import { type PingFailure, type PingStats, parsePingOutput } from "./ping-output.js";
import { defineProbe, type ProbeOutcome, type ProbeSample } from "./probe.js";
import { reasonOfCode } from "./reasons.js";

/** ping prints a line per packet and a summary: a hundred packets are a few KiB. */
const MAX_OUTPUT_BYTES = 64 * 1024;

/** The sentence for a machine where ping runs but may not open ICMP sockets. */
export function noRightsMessage(program: string): string {
  return `ping may not open ICMP sockets as this user: give the program the capability (setcap cap_net_raw+p ${program}), or allow the agent's group in sysctl net.ipv4.ping_group_range`;
}

/** Why ping could not be started (the spawn error's code), in words that say what to do. */
export function spawnFailureMessage(code: string | undefined): string {
  switch (code) {
    case "ENOENT":
      return "ping is not installed (install iputils-ping)";
    case "EACCES":
      return "the ping program may not be run by this user (permission denied on the file)";
    case "EPERM":
      return "ping may not be given its capability here (the service withholds CAP_NET_RAW): allow it to the agent, e.g. AmbientCapabilities=CAP_NET_RAW in the service file";
    default:
      return `ping could not be started (${code ?? "unknown error"})`;
  }
}

/**
 * The program and its arguments: -n numeric output, -c packets, -i seconds between them, -s data
 * bytes, -W seconds to wait for the last reply (milliseconds on macOS).
 */
export function pingCommand(
  address: string,
  family: number,
  options: { count: number; packetInterval: number; packetSize?: number; waitSeconds: number },
  platform: NodeJS.Platform = process.platform,
): { program: string; args: string[] } {
  const mac = platform === "darwin";
  const args = [
    "-n",
    "-c",
    String(options.count),
    "-i",
    String(options.packetInterval / 1000),
    "-s",
    String(options.packetSize ?? 56),
  ];
  // macOS's ping6 has no wait option; its ping takes -W in milliseconds.
  if (!(mac && family === 6)) {
    args.push("-W", String(mac ? options.waitSeconds * 1000 : options.waitSeconds));
  }
  if (family === 6 && !mac) args.push("-6");
  args.push(address);
  return { program: mac && family === 6 ? "ping6" : "ping", args };
}

export const pingProbe = defineProbe({
  schema: pingCheckSchema,
  async run(check, ctx) {
    const started = Date.now();
    const target = await resolve(check.host, ctx.signal);
    if ("up" in target) return target;
    // ping should end by itself before the check's timeout (it is stopped then, and what it printed
    // is lost): send the packets, then wait (-W) only as long as the timeout leaves. No -w deadline:
    // with one, iputils keeps sending past `count` until enough replies came. Once some replies
    // came, iputils waits twice the slowest round trip instead of -W: only round trips of seconds
    // could then outlast the timeout.
    const left =
      check.timeout -
      (Date.now() - started) -
      START_MARGIN_MS -
      sendingTime(check.count, check.packetInterval);
    const wait = Math.min(MAX_WAIT_S, Math.floor(left / 1000));
    if (wait < MIN_WAIT_S) {
      const took = Date.now() - started;
      return {
        up: false,
        reason: "timeout",
        message: `looking up ${check.host} took ${took} ms; no time was left to ping`,
      };
    }
    if (ctx.signal.aborted) return { up: false, reason: "timeout", message: "stopped" };
    const { program, args } = pingCommand(target.address, target.family, {
      count: check.count,
      packetInterval: check.packetInterval,
      packetSize: check.packetSize,
      waitSeconds: wait,
    });
    let output: string;
    try {
      const run = await runCapped(program, args, {
        maxBytes: MAX_OUTPUT_BYTES,
        signal: ctx.signal,
        stderr: true,
      });
      output = run.stdout;
    } catch (error) {
      if (ctx.signal.aborted) return { up: false, reason: "timeout", message: "stopped" };
      const code = (error as NodeJS.ErrnoException).code;
      return { up: false, reason: "error", message: spawnFailureMessage(code) };
    }
    const parsed = parsePingOutput(output);
    if (parsed.kind === "failure" && parsed.noRights) {
      const message = noRightsMessage(programPath(program) ?? program);
      return { up: false, reason: "error", message };
    }
    return pingOutcome(parsed, check.maxLoss);
  },
});

/** The address to ping. Looked up here rather than by ping, so the lookup cannot eat ping's time. */
async function resolve(
  name: string,
  signal: AbortSignal,
): Promise<{ address: string; family: number } | ProbeOutcome> {
  const family = isIP(name);
  if (family) return { address: name, family };
  try {
    return await Promise.race([
      lookup(name),
      new Promise<never>((_, reject) => {
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
    ]);
  } catch (error) {
    if (signal.aborted) return { up: false, reason: "timeout", message: "stopped" };
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === "EAI_AGAIN"
        ? `cannot look up ${name} now (temporary failure in name resolution)`
        : `unknown host ${name}${code ? ` (${code})` : ""}`;
    return { up: false, reason: reasonOfCode(code) ?? "dns", message };
  }
}

function percent(ratio: number): string {
  return `${Number((ratio * 100).toFixed(1))}%`;
}

function milliseconds(seconds: number): string {
  const ms = seconds * 1000;
  return `${ms < 10 ? ms.toFixed(3) : ms.toFixed(1)} ms`;
}

/**
 * What a parsed run means. Up: at least one reply, and loss not above `maxLoss` when set.
 * Down: no reply and ICMP errors → unreachable; no reply at all, or too much loss → timeout.
 */
export function pingOutcome(parsed: PingStats | PingFailure, maxLoss?: number): ProbeOutcome {
  if (parsed.kind === "failure") {
    return { up: false, reason: parsed.reason, message: parsed.message };
  }
  const { transmitted, received, errors, rtt } = parsed;
  const loss = transmitted > 0 ? (transmitted - received) / transmitted : 1;
  const samples: ProbeSample[] = [{ metric: METRICS.pingLoss.name, value: loss }];
  const summary: Record<string, string> = {};
  if (rtt && received > 0) {
    samples.push(
      { metric: METRICS.pingRtt.name, value: rtt.avg },
      { metric: METRICS.pingRttMin.name, value: rtt.min },
      { metric: METRICS.pingRttMax.name, value: rtt.max },
      { metric: METRICS.pingJitter.name, value: rtt.mdev },
    );
    summary.rtt = milliseconds(rtt.avg);
  }
  summary.loss = percent(loss);
  const measured = { samples, summary };
  if (received === 0 && errors > 0) {
    const message = parsed.firstError ?? `${errors} ICMP errors and no reply`;
    return { up: false, reason: "unreachable", message, ...measured };
  }
  if (received === 0) {
    return {
      up: false,
      reason: "timeout",
      message: `no reply to ${transmitted} packets`,
      ...measured,
    };
  }
  if (maxLoss !== undefined && loss > maxLoss) {
    const message = `${percent(loss)} of ${transmitted} packets lost, more than maxLoss ${percent(maxLoss)}`;
    return { up: false, reason: "timeout", message, ...measured };
  }
  return { up: true, ...measured };
}
