// A network namespace joined to this one by a veth pair, so tests can ping real addresses that are
// not loopback without any packet leaving the machine. Names carry the test's PID.
import { execFileSync } from "node:child_process";

export interface TestNetns {
  name: string;
  /** This namespace's end of the link. */
  hostAddress: string;
  /** The test namespace's end; it answers pings. */
  nsAddress: string;
  /** On the link, held by nobody: ARP fails and the kernel reports the host unreachable. */
  vacantAddress: string;
  /** Routed into the test namespace, which holds it nowhere and does not forward: pings vanish. */
  blackholeAddress: string;
  /** Runs a program inside the test namespace (`ip netns exec`) and returns its output. */
  exec(args: string[], input?: string): string;
  /** Deletes the namespace; the veth pair and the routes through it go with it. */
  remove(): void;
}

function routedSubnets(ip: string): string {
  return execFileSync(ip, ["-4", "route", "show", "table", "all"], { encoding: "utf8" });
}

/** Creates the namespace; `tag` (one letter) tells apart several made by one test process. */
export function createNetns(ip: string, tag: string): TestNetns {
  const name = `giamsat-${process.pid}-${tag}`;
  const hostSide = `gs${process.pid}${tag}h`;
  const nsSide = `gs${process.pid}${tag}n`;
  // 10.X.Y.0/24 for the link and 10.X.Y+1.0/24 behind it, X picked so no route uses them yet.
  const routes = routedSubnets(ip);
  const third = (tag.charCodeAt(0) % 100) * 2;
  let prefix = "";
  for (let i = 0; i < 100; i++) {
    const candidate = `10.${100 + ((process.pid + i) % 100)}`;
    if (
      !routes.includes(`${candidate}.${third}.`) &&
      !routes.includes(`${candidate}.${third + 1}.`)
    ) {
      prefix = candidate;
      break;
    }
  }
  if (!prefix) throw new Error("no free 10.x subnet for a test namespace");
  const run = (...args: string[]) => execFileSync(ip, args, { encoding: "utf8" });
  const netns: TestNetns = {
    name,
    hostAddress: `${prefix}.${third}.1`,
    nsAddress: `${prefix}.${third}.2`,
    vacantAddress: `${prefix}.${third}.3`,
    blackholeAddress: `${prefix}.${third + 1}.9`,
    exec: (args, input) =>
      execFileSync(ip, ["netns", "exec", name, ...args], { encoding: "utf8", input }),
    remove: () => {
      try {
        run("netns", "del", name);
      } catch {
        // already gone
      }
    },
  };
  try {
    run("netns", "add", name);
    run("link", "add", hostSide, "type", "veth", "peer", "name", nsSide);
    run("link", "set", nsSide, "netns", name);
    run("addr", "add", `${netns.hostAddress}/24`, "dev", hostSide);
    run("link", "set", hostSide, "up");
    run("-n", name, "addr", "add", `${netns.nsAddress}/24`, "dev", nsSide);
    run("-n", name, "link", "set", nsSide, "up");
    run("-n", name, "link", "set", "lo", "up");
    run("route", "add", `${prefix}.${third + 1}.0/24`, "via", netns.nsAddress);
  } catch (error) {
    netns.remove();
    try {
      run("link", "del", hostSide);
    } catch {
      // went with the namespace
    }
    throw error;
  }
  return netns;
}
