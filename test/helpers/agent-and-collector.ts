// A real collector process with one enrolled agent's config written beside it, for end-to-end tests
// of what the agent does with its buffer file. Every process and folder made is kept, so one call of
// `cleanUp` (in afterEach) stops the processes by PID and removes the folders.
import { join } from "node:path";
import {
  AGENT_CLI,
  type CollectorProcess,
  type Program,
  startCollectorProcess,
  startProgram,
  tempDir,
  writeAgentConfig,
} from "./processes.js";

export interface AgentSetUp {
  collector: CollectorProcess;
  /** The agent's agent.yaml. */
  config: string;
  /** The agent's outbox file (not created until the agent starts). */
  buffer: string;
  /** The folder holding all of it. */
  dir: string;
}

export class AgentAndCollector {
  readonly #running: Program[] = [];
  readonly #dirs: { remove(): void }[] = [];

  /**
   * A collector and the config of agent `name` of unit so-tttt, whose one check is a TCP connect
   * to the collector's own port every second; `extraYaml` is added to agent.yaml.
   */
  async setUp(name: string, extraYaml = ""): Promise<AgentSetUp> {
    const dir = tempDir(`giamsat-${name}-`);
    this.#dirs.push(dir);
    const collector = await startCollectorProcess(dir.path);
    this.#running.push(collector.program);
    const config = writeAgentConfig(
      dir.path,
      name,
      collector.url,
      await collector.enroll("so-tttt", name),
      `${extraYaml}checks:\n  - { name: collector-port, category: datacenter, kind: tcp, host: "127.0.0.1", port: ${new URL(collector.url).port}, interval: "1s" }\n`,
    );
    return { collector, config, buffer: join(dir.path, `${name}-buffer.db`), dir: dir.path };
  }

  /** Runs the agent of `config`; it is stopped by cleanUp if the test has not stopped it. */
  startAgent(config: string): Program {
    const agent = startProgram(AGENT_CLI, ["run", "--config", config]);
    this.#running.push(agent);
    return agent;
  }

  /** SIGKILL to every process started, then the folders go. */
  async cleanUp(): Promise<void> {
    for (const program of this.#running.splice(0)) await program.stop("SIGKILL");
    for (const dir of this.#dirs.splice(0)) dir.remove();
  }
}
