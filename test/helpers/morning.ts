// A store with a known morning for the JSON API's tests: an outage, agent silence, a link-caused
// failure, an expiring certificate and a changed inventory, and the API on it at 11:05.

import { AgentStore } from "../../collector/agents/registry.js";
import { createApi } from "../../collector/http/api/router.js";
import { METRICS } from "../../shared/metrics.js";
import { ROOTED_UNITS, schedule, type TestStore, testStore, vn } from "./store.js";

const MIN = 60_000;
const DAY = 86_400_000;
/** The API's clock: 11:05 on 2 March 2026 in Vietnam. */
export const NOW = vn("11:05:00");
/** notAfter of the portal's certificate: ten days after NOW. */
export const NOT_AFTER = NOW + 10 * DAY;

export interface Morning {
  store: TestStore;
  get(path: string): { status: number; body: Record<string, unknown> };
}

export function morning(): Morning {
  const store = testStore(ROOTED_UNITS);
  // pc-01: the worked example of docs/developers/store.md (portal down 10:20–10:29, link down 10:25–10:29, agent
  // silent 10:29:30–10:45), plus the portal's certificate.
  const pc1 = store.agent("so-tttt", "pc-01");
  const silent = (ts: number) => ts >= vn("10:29:30") && ts < vn("10:45:00");
  const results = [
    ...schedule(
      "portal",
      "website",
      vn("09:55:00"),
      NOW,
      30_000,
      (ts) => ts >= vn("10:20:00") && ts <= vn("10:29:00"),
      silent,
    ),
    ...schedule(
      "dc-link",
      "datacenter",
      vn("09:55:00"),
      NOW,
      30_000,
      (ts) => ts >= vn("10:25:00") && ts <= vn("10:29:00"),
      silent,
    ),
  ].sort((a, b) => a.ts - b.ts);
  for (let i = 0; i < results.length; i += 4) store.write(pc1, results.slice(i, i + 4));
  const labels = { check: "portal", category: "website", kind: "http" };
  store.write(
    pc1,
    [],
    [{ metric: METRICS.tlsExpiry.name, labels, ts: vn("10:00:00"), value: NOT_AFTER / 1000 }],
  );
  // pc-02: the host, up every minute from 09:00, with an inventory at 09:00 and at 10:00.
  const pc2 = store.agent("so-tttt", "pc-02");
  const host = (memory: number, packages: { name: string; version: string }[]) => ({
    memoryBytes: memory,
    os: { distro: "Debian GNU/Linux", release: "12" },
    software: { source: "dpkg", packages },
  });
  const hostResults = schedule("host", "equipment", vn("09:00:00"), NOW, MIN).map((r) => ({
    ...r,
    kind: "host",
  }));
  store.write(
    pc2,
    hostResults.slice(0, 60),
    [],
    [
      {
        check: "host",
        kind: "host",
        ts: vn("09:00:00"),
        data: host(8 * 2 ** 30, [{ name: "openssl", version: "3.0.1" }]),
      },
    ],
  );
  store.write(
    pc2,
    hostResults.slice(60),
    [],
    [
      {
        check: "host",
        kind: "host",
        ts: vn("10:00:00"),
        data: host(16 * 2 ** 30, [
          { name: "curl", version: "7.88" },
          { name: "openssl", version: "3.0.2" },
        ]),
      },
    ],
  );
  store.history.jobs.runUntilIdle(NOW);
  const api = createApi({
    history: store.history,
    agents: new AgentStore(store.db),
    clock: () => NOW,
  });
  return {
    store,
    get(path: string) {
      const { status, body } = api(new URL(path, "http://collector"));
      return { status, body: body as Record<string, unknown> };
    },
  };
}
