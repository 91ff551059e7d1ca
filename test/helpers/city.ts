// A city of sixteen units with five weeks of history, at a fixed moment (10:00 on Saturday
// 5 December 2026, Vietnam time), for the leaders' pages: units in every condition a leader must
// tell apart (an application down now, a software package down in one of two checks, an agent
// silent for three hours, a unit that never installed one, an agent enrolled that never
// connected), November's incidents (an outage of two checks at once, a data-center link cut, a unit
// with twenty checks and two hundred incidents), titles, inventories that changed and a
// certificate about to expire. Everything is written through the batch store, as ingest writes it.

import type { AgentIdentity } from "../../collector/agents/registry.js";
import { AgentStore } from "../../collector/agents/registry.js";
import { UserStore } from "../../collector/auth/users.js";
import { addSignoff } from "../../collector/inspection/signoffs.js";
import { METRICS } from "../../shared/metrics.js";
import type { CheckResult } from "../../shared/protocol.js";
import { type AgentSpec, agents, at, NOW, PASSWORD, START, UNITS } from "./city-data.js";
import { type TestStore, testStore } from "./store.js";

export { at, LEADER, NOW, PASSWORD, START, UNITS } from "./city-data.js";

const MIN = 60_000;
const HOUR = 60 * MIN;

/** The results of an agent's checks from START until it stopped (or NOW), every `every` ms. */
function resultsOf(spec: AgentSpec): CheckResult[] {
  const out: CheckResult[] = [];
  const end = spec.until ?? NOW;
  for (let ts = START; ts <= end; ts += spec.every) {
    for (const check of spec.checks) {
      const failed = check.down?.find((d) => ts >= d.from && ts < d.to);
      out.push({
        check: check.name,
        category: check.category,
        kind: check.kind,
        ts,
        up: !failed,
        duration: 0.02 + ((ts / spec.every) % 5) / 1000,
        ...(failed ? { reason: failed.reason, message: failed.message } : {}),
      });
    }
  }
  return out;
}

function hostInventory(
  memoryGiB: number,
  openssl: string,
  extra: { name: string; version: string }[],
) {
  return {
    system: { manufacturer: "Dell Inc.", model: "PowerEdge T150" },
    os: { hostname: "tttt-giamsat-01", distro: "Debian GNU/Linux", release: "12" },
    cpu: { brand: "Intel Xeon E-2314" },
    memoryBytes: memoryGiB * 2 ** 30,
    software: {
      source: "dpkg",
      total: 2 + extra.length,
      packages: [
        { name: "openssl", version: openssl },
        { name: "nginx", version: "1.22.1" },
        ...extra,
      ],
    },
  };
}

export interface City {
  store: TestStore;
  agents: Map<string, AgentIdentity>;
}

function writeAgents(
  store: TestStore,
  registry: AgentStore,
  enrolled: Map<string, AgentIdentity>,
): void {
  for (const spec of agents()) {
    const agent = store.agent(spec.unit, spec.name);
    enrolled.set(spec.unit, agent);
    registry.recordHello(
      agent.id,
      {
        hostname: spec.hostname,
        os: "Linux 6.1.0 x64",
        agentVersion: "0.1.0",
        titles: Object.fromEntries(
          spec.checks.flatMap((c) => (c.title ? [[c.name, c.title]] : [])),
        ),
      },
      START,
    );
    const results = resultsOf(spec);
    // A batch every six hours of results, as an agent catching up after a night offline sends them.
    const perBatch = Math.max(1, Math.round((6 * HOUR) / spec.every)) * spec.checks.length;
    for (let i = 0; i < results.length; i += perBatch)
      store.write(agent, results.slice(i, i + perBatch));
    // The store receives batches in order, all of them up to NOW: an agent that stopped was last
    // heard from when it sent its last results.
    if (spec.until !== undefined) {
      store.db.prepare("UPDATE agents SET last_seen = ? WHERE id = ?").run(spec.until, agent.id);
    }
  }
  // Enrolled, never connected.
  store.agent("bql-khu-cn", "bql-01");
  const pc = enrolled.get("so-tttt") as AgentIdentity;
  const labels = { check: "portal", category: "website", kind: "http" };
  store.write(
    pc,
    [],
    [
      {
        metric: METRICS.tlsExpiry.name,
        labels,
        ts: NOW - 10 * MIN,
        value: at("2026-12-20 07:00") / 1000,
      },
    ],
  );
  store.write(
    pc,
    [],
    [],
    [
      {
        check: "host",
        kind: "host",
        ts: at("2026-11-01 00:00"),
        data: hostInventory(8, "3.0.11", []),
      },
      {
        check: "core-switch",
        kind: "snmp",
        ts: at("2026-11-01 00:00"),
        data: {
          sysName: "sw-core",
          sysDescr: "Cisco IOS Software, C2960X",
          sysLocation: "Phòng máy tầng 3",
          interfaces: [
            { index: 1, name: "Gi1/0/1" },
            { index: 2, name: "Gi1/0/2" },
          ],
        },
      },
    ],
  );
  store.write(
    pc,
    [],
    [],
    [
      {
        check: "host",
        kind: "host",
        ts: at("2026-11-15 09:00"),
        data: hostInventory(16, "3.0.13", [{ name: "curl", version: "7.88.1" }]),
      },
    ],
  );
}

/** The city, written into a fresh store. */
export async function city(): Promise<City> {
  const store = testStore({
    units: UNITS,
    retention: { raw: "400d", fiveMinute: "400d" },
    reports: {
      place: "Đà Nẵng",
      authority: "UBND thành phố Đà Nẵng",
      issuer: "Văn phòng UBND thành phố",
    },
  });
  const registry = new AgentStore(store.db);
  const enrolled = new Map<string, AgentIdentity>();
  // One transaction for each stage: a commit per batch or per rollup step would be most of the
  // time taken. Rollups and incidents only: the samples stay uncompacted, which readers read the
  // same (the engine's own tests hold that), and compacting five weeks would double the time.
  store.db.transaction(() => writeAgents(store, registry, enrolled))();
  store.db.transaction(() => {
    while (store.history.rollups.step(NOW) || store.history.incidents.step(NOW)) {}
  })();

  const users = new UserStore(store.db);
  for (const [name, role, unit, leader] of [
    ["anh.lv", "unit", "so-tttt", true],
    ["bich.tt", "unit", "so-tttt", false],
    ["hung.pq", "unit", "ubnd-hai-chau", true],
    ["bcd112", "city", undefined, false],
    ["vanhanh", "operator", undefined, false],
    ["quantri", "admin", undefined, false],
  ] as const) {
    await users.add(name, role, unit, PASSWORD, START, { leader });
  }
  // Hải Châu's leader signed November off on the 2nd.
  addSignoff(
    store.db,
    "ubnd-hai-chau",
    { period: "2026-11", date: "2026-12-02", findings: "Hạ tầng hoạt động ổn định.", actions: "" },
    { account: "hung.pq", name: "Phạm Quốc Hưng", title: "Phó Chủ tịch UBND quận" },
    at("2026-12-02 15:30"),
  );
  return { store, agents: enrolled };
}
