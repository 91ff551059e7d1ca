// npm run bench:discovery — how long a discovery sweep of a /24 takes at a given rate and
// concurrency: a LAN of network namespaces this script creates (four hosts answering ping, the
// rest of the /24 empty) and deletes again, also when the run fails. Needs root, ip and ping.
import { execFileSync } from "node:child_process";
import { discover } from "../../agent/discovery/job.js";
import { createLan } from "../helpers/lan.js";
import { findBinary } from "../helpers/peers.js";

const ip = findBinary("ip");
if (!ip) throw new Error("bench:discovery needs ip (iproute2)");
const SETTINGS = [
  { rate: 50, concurrency: 16 },
  { rate: 100, concurrency: 64 },
  { rate: 20, concurrency: 64 },
];
const lan = createLan(ip, 4, "x", 24);
try {
  execFileSync("ping", ["-c", "1", "-W", "1", lan.devices[0]?.address ?? ""]);
  console.log(`network ${lan.network}: ${lan.devices.length} hosts answering ping, the rest empty`);
  for (const { rate, concurrency } of SETTINGS) {
    const started = performance.now();
    const devices = await discover(
      { id: 1, networks: [lan.network], snmp: [], port: 161, rate, concurrency },
      { signal: AbortSignal.timeout(600_000) },
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `rate ${rate}/s, concurrency ${concurrency}: ${seconds.toFixed(1)} s, ${devices.length} devices found`,
    );
  }
} finally {
  lan.remove();
}
