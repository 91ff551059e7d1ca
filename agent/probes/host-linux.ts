// The host probe's frequent readings on Linux straight from /proc and statfs(2): systeminformation
// runs `df` and reads every interface's files for the same numbers, at ten times the CPU.
import { readFile, statfs } from "node:fs/promises";

/** Filesystems that hold no user data and would only add noise. */
export const PSEUDO_FS =
  /^(tmpfs|devtmpfs|devpts|overlay|squashfs|proc|sysfs|cgroup2?|nsfs|autofs|ramfs|mqueue|debugfs|tracefs|securityfs|pstore|bpf|configfs|fusectl|hugetlbfs|binfmt_misc|efivarfs|rpc_pipefs|nfsd|selinuxfs|fuse\..*)$/;

export interface Mount {
  device: string;
  mount: string;
  fstype: string;
}

/** Decodes the octal escapes /proc/mounts uses for spaces and tabs in paths ("\040"). */
function decodeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(Number.parseInt(octal, 8)),
  );
}

/** Mounts worth reporting from /proc/self/mounts: real filesystems, each device once. */
export function parseMounts(text: string): Mount[] {
  const seen = new Set<string>();
  const out: Mount[] = [];
  for (const line of text.split("\n")) {
    const [device, mount, fstype] = line.split(" ");
    if (!device || !mount || !fstype || PSEUDO_FS.test(fstype)) continue;
    // A device mounted twice (bind mounts) is one filesystem: report its first mount point.
    if (device.startsWith("/") && seen.has(device)) continue;
    seen.add(device);
    out.push({ device: decodeOctal(device), mount: decodeOctal(mount), fstype });
  }
  return out;
}

export interface InterfaceCounters {
  iface: string;
  rxBytes: number;
  txBytes: number;
}

/** Byte counters per interface from /proc/net/dev (receive bytes is field 1, transmit field 9). */
export function parseNetDev(text: string): InterfaceCounters[] {
  const out: InterfaceCounters[] = [];
  for (const line of text.split("\n").slice(2)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    const rx = Number(fields[0]);
    const tx = Number(fields[8]);
    if (Number.isFinite(rx) && Number.isFinite(tx)) {
      out.push({ iface: line.slice(0, colon).trim(), rxBytes: rx, txBytes: tx });
    }
  }
  return out;
}

export interface FilesystemUsage extends Mount {
  size: number;
  used: number;
}

/** Size and used bytes of every real filesystem; one that cannot be read (stale NFS) is left out. */
export async function filesystems(): Promise<FilesystemUsage[]> {
  const mounts = parseMounts(await readFile("/proc/self/mounts", "utf8"));
  const usage = await Promise.all(
    mounts.map(async (m) => {
      try {
        const s = await statfs(m.mount);
        // As df: used = total − free (reserved blocks count as used).
        return { ...m, size: s.blocks * s.bsize, used: (s.blocks - s.bfree) * s.bsize };
      } catch {
        return undefined;
      }
    }),
  );
  return usage.filter((u): u is FilesystemUsage => u !== undefined && u.size > 0);
}

export async function interfaces(): Promise<InterfaceCounters[]> {
  return parseNetDev(await readFile("/proc/net/dev", "utf8"));
}

export interface CpuTimes {
  busy: number;
  total: number;
}

/** Aggregate CPU times from the first line of /proc/stat; iowait and idle count as not busy. */
export function parseProcStat(text: string): CpuTimes | undefined {
  const line = text.split("\n", 1)[0] ?? "";
  if (!line.startsWith("cpu ")) return undefined;
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    line.slice(4).trim().split(/\s+/).map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** Share of CPU time busy between two readings, 0..1. */
export function busyRatio(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  if (total <= 0) return 0;
  return Math.min(1, Math.max(0, (after.busy - before.busy) / total));
}

/** MemTotal and MemAvailable from /proc/meminfo, in bytes. */
export function parseMeminfo(text: string): { total: number; available: number } {
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0) * 1024;
  return { total: kb("MemTotal"), available: kb("MemAvailable") };
}

/** The machine's CPU time counters are one per machine, so the previous reading is too. */
let previousCpu: CpuTimes | undefined;

/** CPU busy share since the previous call (since boot on the first call), and memory. */
export async function cpuAndMemory(): Promise<{ cpu: number; total: number; available: number }> {
  const [stat, meminfo] = await Promise.all([
    readFile("/proc/stat", "utf8"),
    readFile("/proc/meminfo", "utf8"),
  ]);
  const now = parseProcStat(stat) ?? { busy: 0, total: 0 };
  const cpu = busyRatio(previousCpu ?? { busy: 0, total: 0 }, now);
  previousCpu = now;
  return { cpu, ...parseMeminfo(meminfo) };
}
