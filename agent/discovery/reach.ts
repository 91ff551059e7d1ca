// Whether an address holds a host: one ICMP echo with the system's ping (as the ping check sends
// it), and for what does not answer, a TCP connection to a port: an accepted or refused connection
// both say a host is there. Each packet waits for the pacer.
import net from "node:net";
import { runCapped } from "../probes/command.js";
import { pingCommand } from "../probes/ping.js";
import { parsePingOutput } from "../probes/ping-output.js";
import type { Pacer } from "./pacer.js";

/** One echo, waiting a second for the reply: a LAN host answers in milliseconds. */
export async function answersPing(
  address: string,
  pacer: Pacer,
  signal: AbortSignal,
): Promise<boolean> {
  await pacer.turn(signal);
  const { program, args } = pingCommand(address, 4, {
    count: 1,
    packetInterval: 1000,
    waitSeconds: 1,
  });
  try {
    const run = await runCapped(program, args, { maxBytes: 16_384, signal, stderr: true });
    const parsed = parsePingOutput(run.stdout);
    if (parsed.kind === "failure" && parsed.noRights) {
      throw new Error(`ping may not send ICMP here: ${parsed.message}`);
    }
    return parsed.kind === "stats" && parsed.received > 0;
  } catch (error) {
    signal.throwIfAborted();
    throw error;
  }
}

export type PortState = "open" | "closed" | "silent";

/**
 * A TCP connection to the port: open (accepted), closed (refused: a host is there) or silent. Given
 * up before the kernel's first SYN retransmission (1 s), so each try is one packet.
 */
export async function tcpPort(
  address: string,
  port: number,
  pacer: Pacer,
  signal: AbortSignal,
): Promise<PortState> {
  await pacer.turn(signal);
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    const done = (state: PortState) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve(state);
    };
    const onAbort = () => done("silent");
    const timer = setTimeout(() => done("silent"), 900);
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => done("open"));
    socket.once("error", (error: NodeJS.ErrnoException) =>
      done(error.code === "ECONNREFUSED" ? "closed" : "silent"),
    );
  });
}
