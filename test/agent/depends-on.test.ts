// dependsOn in agent.yaml: the minimal form of the docs as written, sent with every result of the
// check, and refused at load (naming the checks) when it names a missing check, itself or a cycle.
import { afterAll, describe, expect, it } from "vitest";
import { configError, loadChecks, runLoaded } from "../helpers/checks.js";
import { tempDir } from "../helpers/processes.js";

const dir = tempDir();
afterAll(() => dir.remove());

describe("dependsOn", () => {
  it("takes the minimal form as written and sends it with the check's results", async () => {
    const checks = loadChecks(dir.path, [
      '{ name: gateway, category: lan, kind: ping, host: "10.0.0.1" }',
      '{ name: portal, category: website, kind: http, url: "https://danang.gov.vn/", dependsOn: [gateway] }',
    ]);
    expect(checks.map((c) => [c.name, c.dependsOn])).toEqual([
      ["gateway", undefined],
      ["portal", ["gateway"]],
    ]);
    // A refused connection on loopback: the result still says what the check depends on.
    const [, local] = loadChecks(dir.path, [
      '{ name: gateway, category: lan, kind: tcp, host: "127.0.0.1", port: 9 }',
      '{ name: local, category: website, kind: http, url: "http://127.0.0.1:9/", timeout: 1s, dependsOn: [gateway] }',
    ]);
    const output = await runLoaded(local as NonNullable<typeof local>);
    expect(output.result).toMatchObject({ check: "local", up: false, dependsOn: ["gateway"] });
  });

  it.each([
    [
      [
        '{ name: portal, category: website, kind: tcp, host: "10.0.0.2", port: 443, dependsOn: [gw] }',
      ],
      'agent.yaml: checks[0] (portal).dependsOn[0]: no check named "gw" in this file',
    ],
    [
      [
        '{ name: portal, category: website, kind: tcp, host: "10.0.0.2", port: 443, dependsOn: [portal] }',
      ],
      "agent.yaml: checks[0] (portal).dependsOn[0]: a check cannot depend on itself",
    ],
    [
      [
        '{ name: gateway, category: lan, kind: ping, host: "10.0.0.1", dependsOn: [portal] }',
        '{ name: switch, category: lan, kind: ping, host: "10.0.0.3", dependsOn: [gateway] }',
        '{ name: portal, category: website, kind: tcp, host: "10.0.0.2", port: 443, dependsOn: [switch] }',
      ],
      "agent.yaml: checks[0] (gateway).dependsOn: a cycle of dependencies: gateway → portal → switch → gateway; one of them must not depend on the other",
    ],
  ])("refuses %j naming the checks", (checks, message) => {
    expect(configError(dir.path, checks)).toBe(message);
  });
});
