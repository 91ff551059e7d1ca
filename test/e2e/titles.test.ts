// A check's display title travels from agent.yaml to the leaders' pages: the real agent sends the
// titles of its checks with its hello, the collector keeps them, and the unit page shows the title
// where it showed the check's id; a title changed in agent.yaml arrives with the reload (SIGHUP).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawAgent, type TestCollector, testCollector } from "../helpers/collector.js";
import {
  AGENT_CLI,
  eventually,
  type Program,
  startProgram,
  tempDir,
  writeAgentConfig,
} from "../helpers/processes.js";

let collector: TestCollector;
let agent: Program | undefined;
const dir = tempDir();
let token = "";

/** pc-01's agent.yaml with the portal's title; the loopback check has none. */
function writeConfig(title: string): string {
  const port = new URL(collector.url).port;
  return writeAgentConfig(
    dir.path,
    "pc-01",
    collector.url,
    token,
    `checks:
  - { name: dvc-portal, title: "${title}", category: online_app, kind: tcp, host: "127.0.0.1", port: ${port}, interval: "1s" }
  - { name: loopback, category: lan, kind: tcp, host: "127.0.0.1", port: ${port}, interval: "1s" }
`,
  );
}

beforeAll(async () => {
  collector = await testCollector({ web: { auth: false } });
  token = collector.enroll("unit-a", "pc-01");
  agent = startProgram(AGENT_CLI, ["run", "--config", writeConfig("Cổng dịch vụ công")]);
});
afterAll(async () => {
  await agent?.stop();
  await collector?.stop();
  dir.remove();
});

describe("check titles", () => {
  it("shows the title from agent.yaml on the unit page, the id only where there is none", async () => {
    const page = await eventually(async () => {
      const text = await (await fetch(`${collector.url}/units/unit-a`)).text();
      return text.includes('data-check="dvc-portal"') && text.includes('data-check="loopback"')
        ? text
        : undefined;
    });
    const row = page.slice(page.indexOf('data-check="dvc-portal"'));
    expect(row.slice(0, row.indexOf("</tr>"))).toContain("Cổng dịch vụ công");
    expect(page).toContain("Cổng dịch vụ công");
  });

  it("keeps the titles an older agent's hello (without any) does not mention", async () => {
    const old = new RawAgent(collector.url, collector.enroll("unit-a", "pc-old"));
    await old.hello();
    old.close();
    const stored = collector.query<{ title: string }>(
      "SELECT title FROM check_titles t JOIN agents a ON a.id = t.agent_id WHERE a.name = 'pc-01'",
    );
    expect(stored).toEqual([{ title: "Cổng dịch vụ công" }]);
  });

  it("takes a title changed in agent.yaml when the agent reloads it", async () => {
    writeConfig("Cổng dịch vụ công thành phố");
    process.kill(agent?.child.pid as number, "SIGHUP");
    await agent?.waitForLog((line) => line.msg === "agent.yaml reloaded");
    const page = await eventually(async () => {
      const text = await (await fetch(`${collector.url}/units/unit-a`)).text();
      return text.includes("Cổng dịch vụ công thành phố") ? text : undefined;
    });
    const row = page.slice(page.indexOf('data-check="dvc-portal"'));
    expect(row.slice(0, row.indexOf("</tr>"))).toContain("Cổng dịch vụ công thành phố");
  });
});
