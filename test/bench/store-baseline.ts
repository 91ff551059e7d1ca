// bench:store's comparison with another build in the same run: BASELINE=/other/checkout (built
// with npm run build) runs that build's bench:store on its own database, BASELINE_DB (a file that
// build kept with KEEP_DB for the same UNITS, DAYS and RAW_DAYS) or, without it, one it generates
// now; its API and page figures are read from what it prints.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Timing } from "./store-timings.js";

export interface BaselineFigures {
  api: Timing[];
  pages: Timing[];
  /** Its first lines: the machine, the city, what it generated or reused. */
  about: string[];
}

/** The timing lines of a bench:store output: "  name  p50 1.0   p95 2.0 ...". */
function parse(output: string): BaselineFigures {
  const figures: BaselineFigures = { api: [], pages: [], about: [] };
  let section: Timing[] | undefined;
  for (const line of output.split("\n")) {
    if (line.startsWith("API,")) section = figures.api;
    else if (line.startsWith("pages,")) section = figures.pages;
    else if (!line.startsWith("  ")) section = undefined;
    const match = /^ {2}(\S.*?)\s+p50\s+([\d.]+)\s+p95\s+([\d.]+)/.exec(line);
    if (section && match) {
      section.push({ name: match[1] as string, p50: Number(match[2]), p95: Number(match[3]) });
    }
    if (/^(machine:|city:|generated |reused )/.test(line)) figures.about.push(line);
  }
  return figures;
}

export function runBaseline(checkout: string, env: Record<string, string>): BaselineFigures {
  const script = join(checkout, "dist/test/bench/store.js");
  const reuse = process.env.BASELINE_DB;
  // Its own database, kept or made now; never this run's baseline settings or kept file.
  const { BASELINE: _, KEEP_DB: __, REUSE_DB: ___, ...inherited } = process.env;
  const run = spawnSync(process.execPath, [script], {
    cwd: checkout,
    env: { ...inherited, ...env, ...(reuse ? { REUSE_DB: reuse } : {}), VM: "0" },
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 2 ** 20,
    encoding: "utf8",
  });
  if (run.status !== 0) {
    throw new Error(
      `the baseline's bench:store failed (${run.status ?? run.signal}):\n${run.stdout}`,
    );
  }
  const figures = parse(run.stdout);
  if (figures.api.length === 0 || figures.pages.length === 0) {
    throw new Error(`no figures in the baseline's output:\n${run.stdout}`);
  }
  return figures;
}
