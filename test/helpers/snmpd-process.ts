// A real Net-SNMP snmpd on a free loopback UDP port with its own config and state folder, and
// snmpget/snmpwalk as reference clients. No test-runner imports, so benchmarks can use it too.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import dgram from "node:dgram";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ProbeOutcome } from "../../agent/probes/probe.js";
import { snmpProbe } from "../../agent/probes/snmp/snmp.js";
import { silentLogger } from "../../shared/log.js";
import { tempDir } from "./processes.js";

export const SNMPD_COMMUNITY = "giamsat-ro";
export const SNMPD_SYS_NAME = "giamsat-test-device";
export const SNMPD_SYS_LOCATION = "Server room 2, floor 3";
export const SNMPD_SYS_CONTACT = "it@example.gov.vn";
/** An SNMPv3 user with SHA-256 authentication and AES-128 privacy (authPriv). */
export const SNMPD_V3 = {
  user: "giamsat-monitor",
  authProtocol: "sha256",
  authKey: "auth-passphrase-1",
  privProtocol: "aes",
  privKey: "priv-passphrase-2",
} as const;

export interface Snmpd {
  port: number;
  pid: number;
  /** Environment for snmpd and its clients: no MIB files, state in the temp folder, not /var/lib/snmp. */
  env: NodeJS.ProcessEnv;
  /** snmpget with the client arguments: OID (no leading dot) → printed value. */
  get(args: string[], oids: string[]): Promise<Map<string, string>>;
  /** snmpwalk of one subtree with the client arguments: OID → printed value. */
  walk(args: string[], oid: string): Promise<Map<string, string>>;
  stop(): Promise<void>;
}

/** Client arguments for the agent's v2c community and for the v3 user. */
export const V2C_ARGS = ["-v2c", "-c", SNMPD_COMMUNITY];
export const V3_ARGS = [
  "-v3",
  "-l",
  "authPriv",
  "-u",
  SNMPD_V3.user,
  "-a",
  "SHA-256",
  "-A",
  SNMPD_V3.authKey,
  "-x",
  "AES",
  "-X",
  SNMPD_V3.privKey,
];

/** The probe's fields for the v3 user. */
export const V3_FIELDS = { version: "3", ...SNMPD_V3 };

/** Runs the snmp probe once against the agent, with the check's timeout as the abort signal. */
export async function probeSnmpd(
  agent: Snmpd,
  fields: Record<string, unknown> = {},
  options: { inventoryDue?: boolean; signal?: AbortSignal } = {},
): Promise<ProbeOutcome> {
  const check = snmpProbe.schema.parse({
    name: "sw",
    category: "lan",
    kind: "snmp",
    host: "127.0.0.1",
    port: agent.port,
    community: SNMPD_COMMUNITY,
    timeout: "3s",
    ...fields,
  });
  return snmpProbe.run(check, {
    signal: options.signal ?? AbortSignal.timeout(check.timeout),
    log: silentLogger(),
    inventoryDue: options.inventoryDue ?? false,
  });
}

/** A UDP port nobody listens on right now (bound, read, released). */
export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export interface NetSnmpBinaries {
  snmpd: string;
  snmpget: string;
  snmpwalk: string;
}

/** Where snmpd runs when not on this namespace's loopback: inside a test network namespace. */
export interface SnmpdPlace {
  /** `ip`, to run snmpd with `ip netns exec`. */
  ip: string;
  netns: string;
  /** The address snmpd listens on, inside the namespace. */
  address: string;
  /** The address the community is granted to: where the queries come from. */
  client: string;
}

/** What makes one device unlike the others: its own config lines and snmpd arguments. */
export interface SnmpdDevice {
  /** Added to snmpd.conf, e.g. `sysObjectID ...` or `override OID TYPE VALUE` (snmpd.conf(5)). */
  config?: readonly string[];
  /** The UDP port, e.g. 161 inside a namespace of the test's own; default a free one. */
  port?: number;
  /** Added to snmpd's arguments, e.g. `-I -hr_device` to leave out a module the config replaces. */
  args?: readonly string[];
}

export async function startSnmpd(
  bins: NetSnmpBinaries,
  place?: SnmpdPlace,
  device: SnmpdDevice = {},
): Promise<Snmpd> {
  const address = place?.address ?? "127.0.0.1";
  const dir = tempDir("giamsat-snmpd-");
  const env = {
    ...process.env,
    MIBS: "",
    SNMP_PERSISTENT_DIR: join(dir.path, "state"),
    SNMPCONFPATH: dir.path,
  };
  // The port could be taken between freeUdpPort and snmpd's bind: try a few.
  for (let attempt = 0; ; attempt++) {
    const port = device.port ?? (await freeUdpPort());
    const conf = join(dir.path, "snmpd.conf");
    writeFileSync(
      conf,
      [
        `agentAddress udp:${address}:${port}`,
        `rocommunity ${SNMPD_COMMUNITY} ${place?.client ?? "127.0.0.1"}`,
        `createUser ${SNMPD_V3.user} SHA-256 "${SNMPD_V3.authKey}" AES "${SNMPD_V3.privKey}"`,
        `rouser ${SNMPD_V3.user} priv`,
        `sysName ${SNMPD_SYS_NAME}`,
        `sysLocation ${SNMPD_SYS_LOCATION}`,
        `sysContact ${SNMPD_SYS_CONTACT}`,
        "sysServices 72",
        ...(device.config ?? []),
        "",
      ].join("\n"),
    );
    // -f foreground, -Lo log to stdout, -C only this config file, -p pid file.
    const args = [
      "-f",
      "-Lo",
      "-C",
      "-c",
      conf,
      "-p",
      join(dir.path, "pid"),
      ...(device.args ?? []),
    ];
    // `ip netns exec` runs snmpd in its own process (exec), so the PID is snmpd's.
    const child = place
      ? spawn(place.ip, ["netns", "exec", place.netns, bins.snmpd, ...args], {
          env,
          stdio: ["ignore", "pipe", "pipe"],
        })
      : spawn(bins.snmpd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const started = await ready(child);
    if (started === true && child.pid !== undefined) {
      const pid = child.pid;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      return {
        port,
        pid,
        env,
        get: (args, oids) => query(bins.snmpget, [...args, `${address}:${port}`], oids, env),
        walk: (args, oid) => query(bins.snmpwalk, [...args, `${address}:${port}`], [oid], env),
        async stop() {
          if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGTERM");
          await exited;
          dir.remove();
        },
      };
    }
    if (attempt >= 3) {
      dir.remove();
      throw new Error(`snmpd did not start: ${started}`);
    }
  }
}

/** Resolves true once snmpd logs its version line (after it has bound its port), else its output. */
function ready(child: ChildProcess): Promise<true | string> {
  return new Promise((resolve) => {
    let output = "";
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, "SIGKILL");
      resolve(`no start within 10 s: ${output}`);
    }, 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/NET-SNMP version/.test(output)) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(`exited with ${code}: ${output}`);
    });
  });
}

function query(
  bin: string,
  args: string[],
  oids: string[],
  env: NodeJS.ProcessEnv,
): Promise<Map<string, string>> {
  // -On numeric OIDs, -Oq "OID value", -Ot raw TimeTicks, -Oe enums as numbers.
  const argv = ["-On", "-Oq", "-Ot", "-Oe", "-r", "1", "-t", "2", ...args, ...oids];
  return new Promise((resolve, reject) => {
    execFile(bin, argv, { env }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${bin} failed: ${stderr || error.message}`));
      const values = new Map<string, string>();
      for (const line of stdout.split("\n")) {
        const match = /^\.?(\S+) (.*)$/.exec(line);
        if (!match) continue;
        const raw = match[2] as string;
        values.set(match[1] as string, raw.startsWith('"') ? (JSON.parse(raw) as string) : raw);
      }
      resolve(values);
    });
  });
}
