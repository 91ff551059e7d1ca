// Every probe giamsat ships, run as the agent runs it against real targets on loopback, reports only
// samples the collector takes: metrics of the metric table with labels each declares (or an SNMP
// check's extra metrics), labels within the length the collector keeps. A probe that starts
// reporting a label its metric does not declare fails here, before the collector refuses it.
import { once } from "node:events";
import { copyFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, createServer as createTcpServer, type Server } from "node:net";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunOutput } from "../../../agent/scheduler.js";
import { judgeSample } from "../../../collector/agents/allow-list.js";
import { createCa, daysFromNow } from "../../helpers/certificates.js";
import { runCheck } from "../../helpers/checks.js";
import { type DnsServer, startDnsServer } from "../../helpers/dns-server.js";
import { peer } from "../../helpers/peers.js";
import { tempDir } from "../../helpers/processes.js";
import { SNMPD_COMMUNITY, useSnmpd } from "../../helpers/snmpd.js";

const dir = tempDir();
const servers: { close(): void }[] = [];
let dns: DnsServer;
const snmpd = useSnmpd();

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  dns = await startDnsServer({ "example.gov.vn": { A: ["192.0.2.10"] } });
});
afterAll(async () => {
  for (const server of servers) server.close();
  await dns.close();
  dir.remove();
});

/** What the collector would refuse of a run's samples, with the reason. */
function refused(output: RunOutput): string[] {
  expect(output.samples.length).toBeGreaterThan(0);
  return output.samples.flatMap((sample) => {
    const judged = judgeSample(sample);
    return judged ? [`${judged.reason}: ${judged.why}`] : [];
  });
}

describe("samples of every probe", () => {
  it("host: the machine's CPU, memory, every mount and network interface", async () => {
    const out = await runCheck(dir.path, "{ name: box, category: equipment, kind: host }");
    expect(out.samples.some((s) => s.labels.mount !== undefined)).toBe(true);
    expect(out.samples.some((s) => s.labels.interface !== undefined)).toBe(true);
    expect(refused(out)).toEqual([]);
  });

  it("tcp, http and dns against servers on loopback", async () => {
    const tcp = await listen(createTcpServer((socket) => socket.end()));
    const http = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { "Content-Type": "text/plain" });
        res.end("ok");
      }),
    );
    const outputs = [
      await runCheck(
        dir.path,
        `{ name: t, category: datacenter, kind: tcp, host: 127.0.0.1, port: ${tcp} }`,
      ),
      await runCheck(
        dir.path,
        `{ name: w, category: website, kind: http, url: "http://127.0.0.1:${http}/" }`,
      ),
      await runCheck(
        dir.path,
        `{ name: d, category: online_app, kind: dns, server: "${dns.address}", query: example.gov.vn }`,
      ),
    ];
    expect(outputs.map((o) => o.result.up)).toEqual([true, true, true]);
    expect(outputs.flatMap((o) => (o.samples.length > 0 ? refused(o) : []))).toEqual([]);
  });

  it("process: the processes matching the check", async () => {
    const out = await runCheck(
      dir.path,
      '{ name: n, category: shared_software, kind: process, match: "node" }',
    );
    expect(refused(out)).toEqual([]);
  });

  it("tls: the certificate's expiry", async (ctx) => {
    const openssl = peer("openssl");
    if (!openssl) return ctx.skip("openssl is not installed");
    const ca = createCa(openssl, join(dir.path, "pki"));
    copyFileSync(ca.certPath, join(dir.path, "ca.pem"));
    const cert = ca.issue({ notAfter: daysFromNow(30) });
    const port = await listen(
      createTlsServer({ cert: cert.certPem, key: cert.keyPem }, (socket) => socket.end()) as never,
    );
    const out = await runCheck(
      dir.path,
      `{ name: mail, category: shared_software, kind: tls, host: 127.0.0.1, port: ${port}, ca: ca.pem }`,
    );
    expect(refused(out)).toEqual([]);
  });

  it("ping: round-trip times and loss", async (ctx) => {
    if (!peer("ping")) return ctx.skip("ping is not installed");
    const out = await runCheck(
      dir.path,
      '{ name: gw, category: lan, kind: ping, host: 127.0.0.1, count: 2, interval: "30s" }',
    );
    expect(refused(out)).toEqual([]);
  });

  it("snmp: uptime, every interface, and extra OIDs with labels of their own", async (ctx) => {
    const device = snmpd(ctx);
    const out = await runCheck(
      dir.path,
      `{ name: sw, category: lan, kind: snmp, host: 127.0.0.1, port: ${device.port}, community: "${SNMPD_COMMUNITY}", oids: [{ oid: "1.3.6.1.2.1.1.7.0", metric: giamsat_device_services, labels: { rack: "a-01", room: "server room 2" } }] }`,
    );
    expect(out.samples.some((s) => s.labels.interface !== undefined)).toBe(true);
    expect(out.samples.some((s) => s.metric === "giamsat_device_services")).toBe(true);
    expect(refused(out)).toEqual([]);
  });
});
