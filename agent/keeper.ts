// What probes keep open between runs (SNMP sessions), by target: taken by a run, put back after it,
// at most as many per target as can run at once, all closed when the agent stops.
import type { Keeper, Kept } from "./probes/probe.js";

export class KeptPool implements Keeper {
  readonly #idle = new Map<string, Kept[]>();
  #closed = false;

  /**
   * `maxIdlePerKey`: enough for the runs of one target that overlap (the scheduler passes its
   * concurrency cap, as many as can overlap), so checks of one device due in the same second each
   * find a session again next time. Never more than ran at once, and not one per check.
   */
  constructor(private readonly maxIdlePerKey: number) {}

  take(key: string): Kept | undefined {
    const idle = this.#idle.get(key);
    const kept = idle?.pop();
    if (idle?.length === 0) this.#idle.delete(key);
    return kept;
  }

  put(key: string, kept: Kept): void {
    const idle = this.#idle.get(key) ?? [];
    if (this.#closed || idle.length >= this.maxIdlePerKey) {
      void kept.close();
      return;
    }
    idle.push(kept);
    this.#idle.set(key, idle);
  }

  /** Closes everything kept; what is put back later is closed at once. */
  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#idle.values()].flat();
    this.#idle.clear();
    await Promise.allSettled(all.map(async (kept) => kept.close()));
  }
}
