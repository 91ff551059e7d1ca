// snmpd for vitest suites: started before a file's tests, stopped after, skipped or failed when missing.
import { afterAll, beforeAll, type TestContext } from "vitest";
import { peer } from "./peers.js";
import { type Snmpd, startSnmpd } from "./snmpd-process.js";

export * from "./snmpd-process.js";

/**
 * Starts snmpd before the file's tests and stops it after; the returned function gives it to a
 * test, or skips the test when Net-SNMP is not installed (peer() throws instead under CI=true).
 */
export function useSnmpd(): (ctx: TestContext) => Snmpd {
  let snmpd: Snmpd | undefined;
  beforeAll(async () => {
    const [bin, snmpget, snmpwalk] = [peer("snmpd"), peer("snmpget"), peer("snmpwalk")];
    if (bin && snmpget && snmpwalk) snmpd = await startSnmpd({ snmpd: bin, snmpget, snmpwalk });
  });
  afterAll(async () => {
    await snmpd?.stop();
  });
  return (ctx) => snmpd ?? ctx.skip("snmpd, snmpget or snmpwalk is not installed");
}
