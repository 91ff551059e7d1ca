// Reading SNMP answers without a device: Counter64 bytes, ifOperStatus, the 32-bit fallback, reasons.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  counter64,
  type IfWalk,
  interfaceSamples,
  needs32BitCounters,
  numericValue,
  parseInterfaces,
  parseSystem,
  scaled,
  speedBytes,
  TYPE,
  textValue,
  type Varbind,
} from "../../../../agent/probes/snmp/parse.js";
import { ROOT } from "../../../helpers/processes.js";

interface FixtureVarbind {
  oid: string;
  type: number;
  value?: unknown;
  text?: string;
  hex?: string;
}

/** Fixture varbinds carry OctetString as `text` and Counter64 as `hex`; net-snmp gives Buffers. */
function toVarbind({ oid, type, value, text, hex }: FixtureVarbind): Varbind {
  if (text !== undefined) return { oid, type, value: Buffer.from(text, "utf8") };
  if (hex !== undefined) return { oid, type, value: Buffer.from(hex, "hex") };
  return { oid, type, value: value ?? null };
}

function fixture(name: string): Record<string, FixtureVarbind[]> {
  const text = readFileSync(join(ROOT, "test/fixtures/snmp", name), "utf8");
  const { _comment, ...rest } = JSON.parse(text) as Record<string, FixtureVarbind[]>;
  return rest;
}

function walkFixture(name: string): IfWalk {
  return Object.fromEntries(
    Object.entries(fixture(name)).map(([column, varbinds]) => [column, varbinds.map(toVarbind)]),
  );
}

const vb = (type: number, value: unknown): Varbind => ({ oid: "1.3.6.1.4.1.1.0", type, value });

describe("Counter64", () => {
  it("reads the big-endian BER content bytes, with or without the leading zero", () => {
    expect(counter64(Buffer.from("7acf3d", "hex"))).toBe(8_048_445);
    expect(counter64(Buffer.from("012a05f200", "hex"))).toBe(5_000_000_000);
    expect(counter64(Buffer.from("00", "hex"))).toBe(0);
    expect(counter64(Buffer.from("00e8d4a51000", "hex"))).toBe(1_000_000_000_000);
  });

  it("keeps integers exact up to 2^53 and rounds above (a JavaScript number)", () => {
    expect(counter64(Buffer.from("1fffffffffffff", "hex"))).toBe(Number.MAX_SAFE_INTEGER);
    // 2^53 + 1 is not a double: it comes back as 2^53, an error of 1 byte in 9 PB.
    expect(counter64(Buffer.from("20000000000001", "hex"))).toBe(2 ** 53);
    expect(counter64(Buffer.from("00ffffffffffffffff", "hex"))).toBe(2 ** 64);
  });

  it("refuses what is not a 64-bit unsigned value", () => {
    expect(counter64(Buffer.alloc(0))).toBeUndefined();
    expect(counter64(Buffer.from("010000000000000000", "hex"))).toBeUndefined();
  });
});

describe("varbind values", () => {
  it("gives numbers for integer types, Counter64 and decimal text, nothing for the rest", () => {
    expect(numericValue(vb(TYPE.Integer, -5))).toBe(-5);
    expect(numericValue(vb(TYPE.Gauge32, 4_294_967_295))).toBe(4_294_967_295);
    expect(numericValue(vb(TYPE.TimeTicks, 12_345))).toBe(12_345);
    expect(numericValue(vb(TYPE.Counter64, Buffer.from("0100", "hex")))).toBe(256);
    expect(numericValue(vb(TYPE.OctetString, Buffer.from(" 23.5 ")))).toBe(23.5);
    expect(numericValue(vb(TYPE.OctetString, Buffer.from("OK")))).toBeUndefined();
    expect(numericValue(vb(TYPE.OID, "1.3.6.1"))).toBeUndefined();
    expect(numericValue(vb(TYPE.NoSuchObject, null))).toBeUndefined();
    expect(numericValue(vb(TYPE.NoSuchInstance, null))).toBeUndefined();
  });

  it("reads text as UTF-8 and drops the NULs some devices end strings with", () => {
    expect(textValue(vb(TYPE.OctetString, Buffer.from("Null0\0\0")))).toBe("Null0");
    expect(textValue(vb(TYPE.OctetString, Buffer.from("Phòng máy chủ")))).toBe("Phòng máy chủ");
    expect(textValue(vb(TYPE.OID, "1.3.6.1.4.1.9"))).toBe("1.3.6.1.4.1.9");
    expect(textValue(vb(TYPE.EndOfMibView, null))).toBeUndefined();
  });
});

describe("system group", () => {
  it("reads identity and uptime (TimeTicks are hundredths of a second), skipping exceptions", () => {
    const { varbinds } = fixture("system-group.json") as { varbinds: FixtureVarbind[] };
    expect(parseSystem(varbinds.map(toVarbind))).toEqual({
      descr: "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E8",
      objectId: "1.3.6.1.4.1.9.1.1208",
      upTimeSeconds: 1_234_567.89,
      contact: "Phòng CNTT, 0236 3 000 000",
      name: "core-sw-01",
    });
  });
});

describe("IF-MIB interfaces", () => {
  it("uses 64-bit counters where a row has both, 32-bit ones where it has not", () => {
    const interfaces = parseInterfaces(walkFixture("switch-if-mib.json"));
    expect(interfaces).toEqual([
      {
        index: "1",
        name: "Gi1/0/1",
        descr: "GigabitEthernet1/0/1",
        status: "up",
        // ifInOctets says 705032704: it wrapped once; ifHCInOctets has the true count.
        receiveBytes: 5_000_000_000,
        transmitBytes: 1_000_000_000_000,
        counterBits: 64,
        receiveErrors: 3,
        transmitErrors: 1,
        speedBytes: 125_000_000,
      },
      {
        index: "2",
        name: "Te1/1/1",
        descr: "TenGigabitEthernet1/1/1",
        status: "down",
        receiveBytes: 8_048_445,
        transmitBytes: 2 ** 64,
        counterBits: 64,
        receiveErrors: 0,
        transmitErrors: 0,
        // ifSpeed is saturated at 2^32-1; ifHighSpeed says 10000 Mbit/s.
        speedBytes: 1_250_000_000,
      },
      {
        index: "3",
        name: "Vl1",
        descr: "Vlan1",
        status: "lowerLayerDown",
        receiveBytes: 123_456,
        transmitBytes: 654_321,
        counterBits: 32,
        receiveErrors: 0,
        transmitErrors: 0,
        speedBytes: 12_500_000,
      },
      {
        index: "10101",
        name: "Null0",
        descr: "Null0",
        status: "up",
        receiveBytes: 0,
        transmitBytes: 0,
        counterBits: 64,
        receiveErrors: 0,
        transmitErrors: 0,
        speedBytes: 0,
      },
    ]);
    expect(needs32BitCounters(interfaces)).toBe(true);
  });

  it("falls back to ifDescr and 32-bit counters on an SNMPv1 device without ifXTable", () => {
    const walk = walkFixture("printer-v1-if-mib.json");
    expect(needs32BitCounters(parseInterfaces(walk))).toBe(true);
    expect(parseInterfaces(walk)).toEqual([
      {
        index: "1",
        name: "Ethernet",
        descr: "Ethernet",
        status: "up",
        receiveBytes: 4_000_000_000,
        transmitBytes: 12_345_678,
        counterBits: 32,
        receiveErrors: 0,
        transmitErrors: 0,
        speedBytes: 12_500_000,
      },
      {
        index: "2",
        name: "Loopback",
        descr: "Loopback",
        status: "up",
        receiveBytes: 2048,
        transmitBytes: 2048,
        counterBits: 32,
        receiveErrors: 0,
        transmitErrors: 0,
        speedBytes: 0,
      },
    ]);
  });

  it("does not ask for 32-bit counters when every row has 64-bit ones", () => {
    const { inOctets, outOctets, ...walk } = walkFixture("switch-if-mib.json");
    const withoutVlan = Object.fromEntries(
      Object.entries(walk).map(([c, rows]) => [c, rows.filter((r) => !r.oid.endsWith(".3"))]),
    );
    expect(needs32BitCounters(parseInterfaces(withoutVlan))).toBe(false);
  });

  it("chooses ifSpeed below 2^32-1 bit/s and ifHighSpeed above (RFC 2863)", () => {
    expect(speedBytes(1_544_000, 2)).toBe(193_000);
    expect(speedBytes(4_294_967_295, 40_000)).toBe(5_000_000_000);
    expect(speedBytes(undefined, 100)).toBe(12_500_000);
    expect(speedBytes(undefined, undefined)).toBeUndefined();
  });

  it("maps ifOperStatus up to 1 and every other status to 0, labelled by name and ifIndex", () => {
    const samples = interfaceSamples(parseInterfaces(walkFixture("switch-if-mib.json")));
    const up = samples.filter((s) => s.metric === "giamsat_snmp_interface_up");
    expect(up).toEqual([
      {
        metric: "giamsat_snmp_interface_up",
        labels: { interface: "Gi1/0/1", index: "1" },
        value: 1,
      },
      {
        metric: "giamsat_snmp_interface_up",
        labels: { interface: "Te1/1/1", index: "2" },
        value: 0,
      },
      { metric: "giamsat_snmp_interface_up", labels: { interface: "Vl1", index: "3" }, value: 0 },
      {
        metric: "giamsat_snmp_interface_up",
        labels: { interface: "Null0", index: "10101" },
        value: 1,
      },
    ]);
    expect(samples).toContainEqual({
      metric: "giamsat_snmp_interface_receive_bytes_total",
      labels: { interface: "Gi1/0/1", index: "1" },
      value: 5_000_000_000,
    });
    expect(new Set(samples.map((s) => s.metric)).size).toBe(6);
  });
});

describe("a configured scale", () => {
  it("gives the decimal a person reads, not the binary product's last digits", () => {
    // hrSystemUptime in hundredths of a second: 3650409 × 0.01 is 36504.090000000004 in doubles.
    expect(scaled(3650409, 0.01)).toBe(36504.09);
    expect(scaled(3, 0.1)).toBe(0.3);
    expect(scaled(1234, 1)).toBe(1234);
    expect(scaled(2 ** 53, 1)).toBe(2 ** 53);
    expect(scaled(7, 1 / 3)).toBeCloseTo(7 / 3, 12);
  });
});
