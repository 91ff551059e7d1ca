// The machine the agent runs on (category equipment): CPU, memory, filesystems, uptime, network,
// and now and then an inventory of hardware, OS, network interfaces and installed software.
import si, { type Systeminformation } from "systeminformation";
import { duration } from "../../shared/duration.js";
import { METRICS } from "../../shared/metrics.js";
import { installedSoftware } from "./host-software.js";
import { defineProbe, type ProbeSample } from "./probe.js";

/** Filesystems that hold no user data and would only add noise. */
const PSEUDO_FS = /^(tmpfs|devtmpfs|overlay|squashfs|proc|sysfs|cgroup2?|nsfs|autofs|ramfs)$/;

export const hostProbe = defineProbe({
  kind: "host",
  fields: {
    inventoryInterval: duration({ min: 60_000 }).prefault("24h"),
  },
  async run(_check, ctx) {
    const [load, mem, filesystems, network] = await Promise.all([
      si.currentLoad(),
      si.mem(),
      si.fsSize(),
      si.networkStats("*"),
    ]);
    const cpu = Math.min(1, Math.max(0, load.currentLoad / 100));
    const used = mem.total - mem.available;
    const samples: ProbeSample[] = [
      { metric: METRICS.hostCpu.name, value: cpu },
      { metric: METRICS.hostMemoryUsed.name, value: used },
      { metric: METRICS.hostMemoryTotal.name, value: mem.total },
      { metric: METRICS.hostUptime.name, value: si.time().uptime },
    ];
    for (const fs of filesystems) {
      if (PSEUDO_FS.test(fs.type) || !fs.size) continue;
      const labels = { mount: fs.mount, fstype: fs.type };
      samples.push({ metric: METRICS.hostFilesystemUsed.name, labels, value: fs.used });
      samples.push({ metric: METRICS.hostFilesystemSize.name, labels, value: fs.size });
    }
    for (const nic of network) {
      const labels = { interface: nic.iface };
      samples.push({ metric: METRICS.hostNetworkReceive.name, labels, value: nic.rx_bytes });
      samples.push({ metric: METRICS.hostNetworkTransmit.name, labels, value: nic.tx_bytes });
    }
    const inventory = ctx.inventoryDue ? await hostInventory(ctx.signal) : undefined;
    return {
      up: true,
      samples,
      inventory,
      summary: {
        cpu: `${(cpu * 100).toFixed(0)}%`,
        memory: `${(used / 2 ** 30).toFixed(1)}/${(mem.total / 2 ** 30).toFixed(1)} GiB`,
      },
    };
  },
});

export interface InterfaceInventory {
  name: string;
  mac?: string;
  ipv4?: string;
  ipv6?: string;
  /** Link speed in Mbit/s, when the system knows it. */
  speedMbps?: number;
  type?: string;
}

/** The network interfaces worth listing: the loopback left out, unknown values left empty. */
export function inventoryInterfaces(
  list: readonly Systeminformation.NetworkInterfacesData[],
): InterfaceInventory[] {
  return list
    .filter((nic) => !nic.internal)
    .map((nic) => {
      const item: InterfaceInventory = { name: nic.iface };
      if (nic.mac && nic.mac !== "00:00:00:00:00:00") item.mac = nic.mac;
      if (nic.ip4) item.ipv4 = nic.ip4;
      if (nic.ip6) item.ipv6 = nic.ip6;
      if (nic.speed !== null && nic.speed > 0) item.speedMbps = nic.speed;
      if (nic.type) item.type = nic.type;
      return item;
    });
}

async function hostInventory(signal: AbortSignal): Promise<Record<string, unknown>> {
  const [system, cpu, mem, os, disks, nics, software] = await Promise.all([
    si.system(),
    si.cpu(),
    si.mem(),
    si.osInfo(),
    si.diskLayout().catch(() => []),
    si.networkInterfaces(),
    installedSoftware(signal),
  ]);
  return {
    system: { manufacturer: system.manufacturer, model: system.model, serial: system.serial },
    cpu: {
      brand: `${cpu.manufacturer} ${cpu.brand}`.trim(),
      cores: cpu.cores,
      speedGHz: cpu.speed,
    },
    memoryBytes: mem.total,
    os: {
      distro: os.distro,
      release: os.release,
      kernel: os.kernel,
      arch: os.arch,
      hostname: os.hostname,
    },
    disks: disks.map((d) => ({ name: d.name, type: d.type, sizeBytes: d.size, vendor: d.vendor })),
    network: inventoryInterfaces(nics),
    software,
  };
}
