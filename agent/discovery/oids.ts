// The OIDs discovery reads to tell what a device is, who its neighbours are and which hosts its ARP
// table knows; each group links the MIB it comes from.

/** SNMPv2-MIB system group (RFC 3418) and IF-MIB ifNumber (RFC 2863). */
export const IDENTITY = {
  sysDescr: "1.3.6.1.2.1.1.1.0",
  sysObjectID: "1.3.6.1.2.1.1.2.0",
  sysName: "1.3.6.1.2.1.1.5.0",
  sysLocation: "1.3.6.1.2.1.1.6.0",
  ifNumber: "1.3.6.1.2.1.2.1.0",
} as const;

/** ENTITY-MIB (RFC 6933) entPhysicalTable: the chassis's model and serial number. */
export const ENTITY = {
  modelName: "1.3.6.1.2.1.47.1.1.1.1.13",
  serialNum: "1.3.6.1.2.1.47.1.1.1.1.11",
} as const;

/**
 * One object of each MIB that gives a device's type away, asked for with getNext of its parent so
 * a device lacking the MIB answers with something outside it.
 */
export const TYPE_MARKERS = {
  /** BRIDGE-MIB (RFC 4188) dot1dBaseNumPorts: a switch. */
  bridge: "1.3.6.1.2.1.17.1.2",
  /** IP-MIB (RFC 4293) ipForwarding: 1 forwarding (a router), 2 not forwarding. */
  ipForwarding: "1.3.6.1.2.1.4.1",
  /** Printer-MIB (RFC 3805), any of its objects. */
  printer: "1.3.6.1.2.1.43",
  /** UPS-MIB (RFC 1628), any of its objects. */
  ups: "1.3.6.1.2.1.33",
} as const;

/** LLDP-MIB (IEEE 802.1AB) lldpRemTable columns: lldpRemTimeMark.lldpRemLocalPortNum.lldpRemIndex. */
export const LLDP_REMOTE = {
  chassisId: "1.0.8802.1.1.2.1.4.1.1.5",
  portId: "1.0.8802.1.1.2.1.4.1.1.7",
  portDesc: "1.0.8802.1.1.2.1.4.1.1.8",
  sysName: "1.0.8802.1.1.2.1.4.1.1.9",
} as const;
/** LLDP-MIB lldpRemManAddrTable: the neighbours' management addresses, in the row's index. */
export const LLDP_REMOTE_ADDRESS = "1.0.8802.1.1.2.1.4.2.1.3";

/** IP-MIB ipNetToMediaPhysAddress (RFC 1213 / 4293), indexed ifIndex.a.b.c.d. */
export const ARP_MEDIA = "1.3.6.1.2.1.4.22.1.2";
/** IP-MIB ipNetToPhysicalPhysAddress (RFC 4293), indexed ifIndex.addrType.length.address. */
export const ARP_PHYSICAL = "1.3.6.1.2.1.4.35.1.4";
