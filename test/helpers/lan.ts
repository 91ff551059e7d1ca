// A unit's LAN built of network namespaces: one holding a bridge, and one namespace per device
// joined to it by a veth pair; this namespace joins it too, as the agent's machine. Names carry
// the test's PID; remove() deletes everything, and creation that fails half-way removes what it made.
import { execFileSync } from "node:child_process";

export interface LanDevice {
  name: string;
  address: string;
  /** Runs a program inside the device's namespace and returns its output. */
  exec(args: string[], input?: string): string;
}

export interface TestLan {
  /** The LAN, e.g. 10.123.40.0/26. */
  network: string;
  /** This namespace's address on it: where the agent's probes come from. */
  agentAddress: string;
  /** A /24 beside the LAN, routed through `devices[routerIndex]`: not the unit's. */
  foreign: string;
  devices: LanDevice[];
  bridgeNetns: string;
  remove(): void;
}

/** Makes a LAN of `count` devices at .10, .11, ... of a free 10.x.y.0/26 (or /`bits`, 24 to 26). */
export function createLan(ip: string, count: number, tag: string, bits = 26): TestLan {
  const routes = execFileSync(ip, ["-4", "route", "show", "table", "all"], { encoding: "utf8" });
  let prefix = "";
  for (let i = 0; i < 100; i++) {
    const candidate = `10.${100 + ((process.pid + i) % 100)}.${(tag.charCodeAt(0) % 50) * 2 + 150}`;
    const next = `${candidate.split(".").slice(0, 2).join(".")}.${Number(candidate.split(".")[2]) + 1}`;
    if (!routes.includes(`${candidate}.`) && !routes.includes(`${next}.`)) {
      prefix = candidate;
      break;
    }
  }
  if (!prefix) throw new Error("no free 10.x subnet for a test LAN");
  const [a, b, c] = prefix.split(".");
  const foreignPrefix = `${a}.${b}.${Number(c) + 1}`;
  const run = (...args: string[]) =>
    execFileSync(ip, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const id = `${process.pid}${tag}`;
  const bridgeNetns = `giamsat-${id}-br`;
  const hostLink = `gl${id}h`;
  const made: string[] = [];
  const lan: TestLan = {
    network: `${prefix}.0/${bits}`,
    agentAddress: `${prefix}.1`,
    foreign: `${foreignPrefix}.0/24`,
    devices: [],
    bridgeNetns,
    remove() {
      try {
        run("route", "del", `${foreignPrefix}.0/24`);
      } catch {
        // not added, or gone with the link
      }
      for (const name of made.reverse()) {
        try {
          // What the test started inside is stopped by PID (a daemon's forked helpers too).
          for (const pid of run("netns", "pids", name).split("\n").filter(Boolean)) {
            try {
              process.kill(Number(pid), "SIGKILL");
            } catch {
              // gone meanwhile
            }
          }
          run("netns", "del", name);
        } catch {
          // already gone
        }
      }
      try {
        run("link", "del", hostLink);
      } catch {
        // went with the bridge's namespace
      }
    },
  };
  try {
    run("netns", "add", bridgeNetns);
    made.push(bridgeNetns);
    run("-n", bridgeNetns, "link", "add", "br0", "type", "bridge");
    run("-n", bridgeNetns, "link", "set", "br0", "up");
    run("link", "add", hostLink, "type", "veth", "peer", "name", "uplink", "netns", bridgeNetns);
    run("-n", bridgeNetns, "link", "set", "uplink", "master", "br0", "up");
    run("addr", "add", `${lan.agentAddress}/${bits}`, "dev", hostLink);
    run("link", "set", hostLink, "up");
    for (let i = 0; i < count; i++) {
      const name = `giamsat-${id}-${i}`;
      run("netns", "add", name);
      made.push(name);
      run(
        "-n",
        name,
        "link",
        "add",
        "eth0",
        "type",
        "veth",
        "peer",
        "name",
        `port${i}`,
        "netns",
        bridgeNetns,
      );
      run("-n", bridgeNetns, "link", "set", `port${i}`, "master", "br0", "up");
      const address = `${prefix}.${10 + i}`;
      run("-n", name, "addr", "add", `${address}/${bits}`, "dev", "eth0");
      run("-n", name, "link", "set", "eth0", "up");
      run("-n", name, "link", "set", "lo", "up");
      run("-n", name, "route", "add", "default", "via", lan.agentAddress);
      lan.devices.push({
        name,
        address,
        exec: (args, input) =>
          execFileSync(ip, ["netns", "exec", name, ...args], { encoding: "utf8", input }),
      });
    }
  } catch (error) {
    lan.remove();
    throw error;
  }
  return lan;
}

/** Routes the LAN's foreign /24 through a device, which holds it on its LAN link. */
export function routeForeign(ip: string, lan: TestLan, via: LanDevice): string {
  const [a, b, c] = lan.foreign.split(".");
  const inside = `${a}.${b}.${c}`;
  via.exec([ip, "addr", "add", `${inside}.1/24`, "dev", "eth0"]);
  execFileSync(ip, ["route", "add", lan.foreign, "via", via.address]);
  return inside;
}

/** Joins two devices by a veth pair of their own (`lldp0` in the first, `lldp1` in the second). */
export function linkDevices(ip: string, first: LanDevice, second: LanDevice): void {
  execFileSync(ip, [
    "-n",
    first.name,
    "link",
    "add",
    "lldp0",
    "type",
    "veth",
    "peer",
    "name",
    "lldp1",
    "netns",
    second.name,
  ]);
  execFileSync(ip, ["-n", first.name, "link", "set", "lldp0", "up"]);
  execFileSync(ip, ["-n", second.name, "link", "set", "lldp1", "up"]);
}
