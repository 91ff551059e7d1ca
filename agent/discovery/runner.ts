// Discovery runs the collector asks for, one at a time: each reported as it goes (at most every
// two seconds) and once at its end with what it found, or why it failed. A request while a run is
// going is answered as failed; stop() interrupts the run (the agent is stopping). A report sent
// while the collector is away is lost, so after each reconnection the running run's progress, or
// the last run's final report, is sent again (resend): a run never stays "running" on the collector
// because its end fell in a disconnection.
import { errorMessage } from "../../shared/errors.js";
import type { Logger } from "../../shared/log.js";
import type { Discover, DiscoveryReport } from "../../shared/protocol.js";
import { discover } from "./job.js";

const PROGRESS_EVERY_MS = 2000;

export class DiscoveryRunner {
  #running:
    | {
        id: number;
        controller: AbortController;
        progress: DiscoveryReport["progress"];
        done: Promise<void>;
      }
    | undefined;
  /** The last run's final report, kept until the next run. */
  #last: DiscoveryReport | undefined;

  constructor(
    private readonly send: (report: DiscoveryReport) => void,
    private readonly log: Logger,
  ) {}

  start(request: Discover): void {
    const progress = { swept: 0, total: 0 };
    if (this.#running) {
      const error = `discovery ${this.#running.id} is still running on this agent`;
      this.send({ type: "discovery", id: request.id, state: "failed", progress, error });
      return;
    }
    const controller = new AbortController();
    // Networks and ids only: the request's credentials are never logged.
    this.log.info(
      { id: request.id, networks: request.networks, rate: request.rate },
      "discovery started",
    );
    let sentAt = 0;
    const done = discover(request, {
      signal: controller.signal,
      onProgress: (now) => {
        Object.assign(progress, now);
        if (Date.now() - sentAt < PROGRESS_EVERY_MS) return;
        sentAt = Date.now();
        this.send({ type: "discovery", id: request.id, state: "running", progress: { ...now } });
      },
    }).then(
      (devices) => {
        this.log.info({ id: request.id, devices: devices.length }, "discovery done");
        this.#final({ type: "discovery", id: request.id, state: "done", progress, devices });
      },
      (error: unknown) => {
        const why = controller.signal.aborted
          ? "interrupted: the agent stopped"
          : errorMessage(error);
        this.log.warn({ id: request.id, err: why }, "discovery failed");
        this.#final({ type: "discovery", id: request.id, state: "failed", progress, error: why });
      },
    );
    this.#last = undefined;
    this.#running = {
      id: request.id,
      controller,
      progress,
      done: done.finally(() => (this.#running = undefined)),
    };
  }

  #final(report: DiscoveryReport): void {
    this.#last = report;
    this.send(report);
  }

  /** Sends the running run's progress, or the last run's final report, again (after reconnecting). */
  resend(): void {
    const running = this.#running;
    if (running) {
      const progress = { ...running.progress };
      this.send({ type: "discovery", id: running.id, state: "running", progress });
    } else if (this.#last) {
      this.send(this.#last);
    }
  }

  async stop(): Promise<void> {
    const running = this.#running;
    if (!running) return;
    running.controller.abort(new Error("agent stopping"));
    await running.done;
  }
}
