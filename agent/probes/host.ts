// The machine the agent runs on (category equipment): CPU, memory, filesystems, uptime, network,
// and now and then an inventory of hardware, OS, network interfaces and installed software.
import { uptime } from "node:os";
import type { Systeminformation } from "systeminformation";
import { hostCheckSchema } from "../../shared/config/checks/host.js";
import { METRICS } from "../../shared/metrics.js";
import * as linux from "./host-linux.js";
import { installedSoftware } from "./host-software.js";
import { defineProbe, type ProbeSample } from "./probe.js";

const LINUX = process.platform === "linux";

/** systeminformation, loaded on first use: an agent without a host check never holds its code. */
async function systeminformation() {
  return (await import("systeminformation")).default;
}

/** CPU, memory, filesystems and interface counters: from /proc on Linux, systeminformation elsewhere. */
async function readings() {
  if (LINUX) {
    const [fs, nics, cm] = await Promise.all([
      linux.filesystems(),
      linux.interfaces(),
      linux.cpuAndMemory(),
    ]);
    return {
      cpu: cm.cpu,
      memory: { total: cm.total, available: cm.available },
      filesystems: fs.map((f) => ({
        mount: f.mount,
        fstype: f.fstype,
        size: f.size,
        used: f.used,
      })),
      network: nics,
    };
  }
  const si = await systeminformation();
  const [load, mem, fs, nics] = await Promise.all([
    si.currentLoad(),
    si.mem(),
    si.fsSize(),
    si.networkStats("*"),
  ]);
  return {
    cpu: Math.min(1, Math.max(0, load.currentLoad / 100)),
    memory: { total: mem.total, available: mem.available },
    filesystems: fs
      .filter((f) => !linux.PSEUDO_FS.test(f.type) && f.size > 0)
      .map((f) => ({ mount: f.mount, fstype: f.type, size: f.size, used: f.used })),
    network: nics.map((n) => ({ iface: n.iface, rxBytes: n.rx_bytes, txBytes: n.tx_bytes })),
  };
}

export const hostProbe = defineProbe({
  schema: hostCheckSchema,
  async run(_check, ctx) {
    const { cpu, memory: mem, filesystems, network } = await readings();
    const used = mem.total - mem.available;
    const samples: ProbeSample[] = [
      { metric: METRICS.hostCpu.name, value: cpu },
      { metric: METRICS.hostMemoryUsed.name, value: used },
      { metric: METRICS.hostMemoryTotal.name, value: mem.total },
      { metric: METRICS.hostUptime.name, value: uptime() },
    ];
    for (const fs of filesystems) {
      const labels = { mount: fs.mount, fstype: fs.fstype };
      samples.push({ metric: METRICS.hostFilesystemUsed.name, labels, value: fs.used });
      samples.push({ metric: METRICS.hostFilesystemSize.name, labels, value: fs.size });
    }
    for (const nic of network) {
      const labels = { interface: nic.iface };
      samples.push({ metric: METRICS.hostNetworkReceive.name, labels, value: nic.rxBytes });
      samples.push({ metric: METRICS.hostNetworkTransmit.name, labels, value: nic.txBytes });
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
  const si = await systeminformation();
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
