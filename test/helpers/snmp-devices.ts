// snmpd set up as a printer and as a UPS: the Printer-MIB (RFC 3805) and UPS-MIB (RFC 1628) values
// given with snmpd's `override` directive, a sysObjectID and sysDescr of their own. The printer
// leaves out snmpd's own hrDeviceTable and hrPrinterTable so its printer is the only device there.
import type { SnmpdDevice } from "./snmpd-process.js";

/** hrDeviceIndex of the printer, the first index of its supplies and markers. */
const PRINTER_DEVICE = 1;

export interface PrinterValues {
  deviceStatus: number;
  printerStatus: number;
  supplies: { description: string; max: number; level: number }[];
  /** prtMarkerCounterUnit 7 (impressions) and prtMarkerLifeCount. */
  pages: number;
}

export const PRINTER_VALUES: PrinterValues = {
  deviceStatus: 3,
  printerStatus: 3,
  supplies: [
    { description: "Black Toner Cartridge HP 89A", max: 10_000, level: 800 },
    { description: "Imaging Drum", max: 100, level: 64 },
    { description: "Waste Toner Box", max: -2, level: -3 },
  ],
  pages: 123_456,
};

export const PRINTER_SYS = {
  objectId: "1.3.6.1.4.1.11.2.3.9.1",
  descr: "HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153",
};

export function printerDevice(values: PrinterValues = PRINTER_VALUES): SnmpdDevice {
  const d = PRINTER_DEVICE;
  const config = [
    `sysObjectID .${PRINTER_SYS.objectId}`,
    `sysDescr ${PRINTER_SYS.descr}`,
    `override .1.3.6.1.2.1.25.3.2.1.5.${d} integer ${values.deviceStatus}`,
    `override .1.3.6.1.2.1.25.3.5.1.1.${d} integer ${values.printerStatus}`,
    `override .1.3.6.1.2.1.43.10.2.1.3.${d}.1 integer 7`,
    `override .1.3.6.1.2.1.43.10.2.1.4.${d}.1 counter ${values.pages}`,
  ];
  values.supplies.forEach((supply, i) => {
    const row = `${d}.${i + 1}`;
    config.push(
      `override .1.3.6.1.2.1.43.11.1.1.6.${row} octet_str "${supply.description}"`,
      `override .1.3.6.1.2.1.43.11.1.1.8.${row} integer ${supply.max}`,
      `override .1.3.6.1.2.1.43.11.1.1.9.${row} integer ${supply.level}`,
    );
  });
  return { config, args: ["-I", "-hr_device,hr_print"] };
}

export interface UpsValues {
  batteryStatus: number;
  secondsOnBattery: number;
  minutesRemaining: number;
  chargeRemaining: number;
  outputSource: number;
}

/** On battery for two minutes: the mains are out. */
export const UPS_VALUES: UpsValues = {
  batteryStatus: 2,
  secondsOnBattery: 120,
  minutesRemaining: 42,
  chargeRemaining: 87,
  outputSource: 5,
};

export const UPS_SYS = {
  objectId: "1.3.6.1.4.1.318.1.3.27",
  descr: "APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.8.2 AOS) Smart-UPS 1500",
};

export function upsDevice(values: UpsValues = UPS_VALUES): SnmpdDevice {
  return {
    config: [
      `sysObjectID .${UPS_SYS.objectId}`,
      `sysDescr ${UPS_SYS.descr}`,
      `override .1.3.6.1.2.1.33.1.2.1.0 integer ${values.batteryStatus}`,
      `override .1.3.6.1.2.1.33.1.2.2.0 integer ${values.secondsOnBattery}`,
      `override .1.3.6.1.2.1.33.1.2.3.0 integer ${values.minutesRemaining}`,
      `override .1.3.6.1.2.1.33.1.2.4.0 integer ${values.chargeRemaining}`,
      `override .1.3.6.1.2.1.33.1.4.1.0 integer ${values.outputSource}`,
    ],
  };
}
