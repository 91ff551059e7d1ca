// Test runner settings; the suites live under test/ mirroring the source tree.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Real processes and peers share two cores: keep parallel files few.
    maxWorkers: 2,
  },
});
