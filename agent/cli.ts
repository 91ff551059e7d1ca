#!/usr/bin/env -S node --max-semi-space-size=1 --no-opt --single-threaded-gc
// giamsat-agent's entry point. The V8 flags above are runtime.ts's RUNTIME_FLAGS (measured in
// docs/developers/performance.md); started without them (`node dist/agent/cli.js run`), `run` starts
// again with them before anything else is loaded.
import { holdReloads, restartWithRuntimeFlags } from "./runtime.js";

if (!restartWithRuntimeFlags()) {
  holdReloads();
  await import("./commands.js");
}
