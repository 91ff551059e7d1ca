// The host kind's inventory: network interfaces and installed software, parsed from fixtures and
// read from this machine.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import si from "systeminformation";
import { afterAll, describe, expect, it } from "vitest";
import { inventoryInterfaces } from "../../../agent/probes/host.js";
import {
  boundPackages,
  installedSoftware,
  MAX_PACKAGES,
  MAX_SOFTWARE_BYTES,
  parseDpkgList,
  parseRpmList,
} from "../../../agent/probes/host-software.js";
import { loadChecks, runLoaded } from "../../helpers/checks.js";
import { peer } from "../../helpers/peers.js";
import { ROOT, tempDir } from "../../helpers/processes.js";

const dir = tempDir();
afterAll(() => dir.remove());

function fixture(name: string): string {
  return readFileSync(join(ROOT, "test/fixtures/host", name), "utf8");
}

describe("installed software", () => {
  it("reads dpkg-query's list (captured on Debian 12)", () => {
    const packages = parseDpkgList(fixture("dpkg-query.txt"));
    expect(packages).toHaveLength(38);
    expect(packages[0]).toEqual({ name: "adduser", version: "3.134" });
    expect(packages.every((p) => p.name && p.version)).toBe(true);
  });

  it("leaves out packages dpkg knows but that are not installed", () => {
    const text = "rc \told-kernel\t5.10-1\nii \tbash\t5.2-2\nhi \tpinned\t1.0\nun \tnever\t\n";
    expect(parseDpkgList(text)).toEqual([
      { name: "bash", version: "5.2-2" },
      { name: "pinned", version: "1.0" },
    ]);
  });

  it("reads rpm's list, sorted, without signing keys", () => {
    // rpm-qa.txt is written by hand in RPM_ARGS' format, not captured from an RPM system.
    expect(parseRpmList(fixture("rpm-qa.txt"))).toEqual([
      { name: "bash", version: "5.1.8-9.el9" },
      { name: "glibc", version: "2.34-100.el9" },
      { name: "kernel", version: "5.14.0-427.13.1.el9_4" },
      { name: "openssh-server", version: "8.7p1-38.el9" },
      { name: "postgresql-server", version: "13.14-1.el9_3" },
    ]);
  });

  it("bounds the list by count and by size", () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ name: `pkg${i}`, version: "1.0" }));
    const byCount = boundPackages(many);
    expect(byCount.packages).toHaveLength(MAX_PACKAGES);
    expect(byCount.truncated).toBe(true);
    const long = Array.from({ length: 3000 }, (_, i) => ({
      name: `${i}-${"n".repeat(500)}`,
      version: "v".repeat(500),
    }));
    const bySize = boundPackages(long);
    expect(bySize.truncated).toBe(true);
    expect(bySize.packages[0]?.name).toHaveLength(128);
    expect(bySize.packages[0]?.version).toHaveLength(64);
    expect(Buffer.byteLength(JSON.stringify(bySize.packages))).toBeLessThanOrEqual(
      MAX_SOFTWARE_BYTES,
    );
    expect(boundPackages(many.slice(0, 10))).toEqual({
      packages: many.slice(0, 10),
      truncated: false,
    });
  });

  it("says why nothing was collected on Windows and macOS", async () => {
    const signal = new AbortController().signal;
    expect(await installedSoftware(signal, "win32")).toEqual({
      source: "none",
      note: "not collected on Windows",
    });
    expect(await installedSoftware(signal, "darwin")).toEqual({
      source: "none",
      note: "not collected on darwin",
    });
  });

  it("lists this Debian machine's packages with the versions dpkg reports", async (ctx) => {
    const dpkgQuery = peer("dpkg-query");
    if (!dpkgQuery) return ctx.skip();
    const software = await installedSoftware(new AbortController().signal);
    if (software.source !== "dpkg") throw new Error(`expected dpkg, got ${software.source}`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's format, not a JS template
    const version = execFileSync(dpkgQuery, ["-W", "-f=${Version}", "iputils-ping"], {
      encoding: "utf8",
    });
    expect(software.packages).toContainEqual({ name: "iputils-ping", version });
    expect(software.total).toBe(software.packages.length);
    expect(software.truncated).toBe(false);
  });
});

describe("network interfaces", () => {
  it("lists name, MAC, addresses and speed, without the loopback (captured from systeminformation)", () => {
    const list = JSON.parse(fixture("network-interfaces.json"));
    expect(inventoryInterfaces(list)).toEqual([
      { name: "eth0", mac: "02:fc:00:00:00:01", ipv4: "192.0.2.2", ipv6: "fd00::2", type: "wired" },
      {
        name: "gsfx14079h",
        mac: "c6:14:d5:83:ed:0f",
        ipv4: "10.233.77.1",
        ipv6: "fe80::c414:d5ff:fe83:ed0f",
        speedMbps: 10_000,
        type: "wired",
      },
    ]);
  });
});

describe("host inventory on this machine", () => {
  it("carries the network interfaces and installed software when due", async () => {
    const [check] = loadChecks(dir.path, ["{ name: box, category: equipment, kind: host }"]);
    if (!check) throw new Error("no check");
    const output = await runLoaded(check);
    expect(output.result.up).toBe(true);
    const data = output.inventory[0]?.data as {
      network: { name: string; ipv4?: string; mac?: string }[];
      software: { source: string };
    };
    // The interface of the default route, with the address and MAC Node sees on it. (Other
    // interfaces come and go while tests create namespaces.)
    const nic = await si.networkInterfaceDefault();
    const ipv4 = networkInterfaces()[nic]?.find((a) => a.family === "IPv4");
    if (!ipv4) throw new Error(`no IPv4 address on ${nic}`);
    expect(data.network).toContainEqual(
      expect.objectContaining({ name: nic, ipv4: ipv4.address, mac: ipv4.mac }),
    );
    if (peer("dpkg-query")) expect(data.software.source).toBe("dpkg");
  });
});
