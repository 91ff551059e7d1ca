// What the central-checks API tests share: a running collector with unit-a (one check of its own in
// collector.yaml, the "portal") and unit-b, and unit-a's user logged in with the CSRF token a PUT
// needs.
import { expect } from "vitest";
import { type TestCollector, testCollector } from "./collector.js";
import { addUsers, Browser, PASSWORD } from "./web.js";

export interface CentralChecksApi {
  collector: TestCollector;
  /** unit-a's user, logged in. */
  leaderA: Browser;
  csrf: string;
}

export async function centralChecksApi(): Promise<CentralChecksApi> {
  const collector = await testCollector({
    units: [
      {
        id: "unit-a",
        checks: [
          { name: "portal", category: "website", kind: "http", url: "https://example.test/" },
        ],
      },
      { id: "unit-b" },
    ],
  });
  await addUsers(collector.config.database, [{ name: "leader-a", role: "unit", unit: "unit-a" }]);
  const leaderA = new Browser(collector.url);
  expect((await leaderA.login("leader-a", PASSWORD)).status).toBe(303);
  return { collector, leaderA, csrf: await leaderA.csrf() };
}
