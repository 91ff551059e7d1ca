// bench:store's same-run comparison: the build at BASELINE (another checkout, built) runs its own
// bench:store on the same city size right after this one, and each API call's and page's p50 and
// p95 are printed side by side with the ratio, so a change is judged against the build before on
// the same machine under the same load, not against figures from another day.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export interface Latency {
  name: string;
  p50: number;
  p95: number;
}

const LINE = /^ {2}(.+?)\s+p50\s+([\d.]+)\s+p95\s+([\d.]+)/;

export function compareWithBaseline(checkout: string, ours: readonly Latency[]): void {
  console.error(`running the baseline's bench:store in ${checkout}`);
  const output = execFileSync(process.execPath, [join(checkout, "dist/test/bench/store.js")], {
    env: { ...process.env, BASELINE: "" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 2 ** 20,
  });
  const theirs = new Map<string, Latency>();
  for (const line of output.split("\n")) {
    const match = LINE.exec(line);
    if (match) {
      const name = (match[1] as string).trim();
      theirs.set(name, { name, p50: Number(match[2]), p95: Number(match[3]) });
    }
  }
  const header = output.split("\n").filter((l) => /^(machine|city|load average):/.test(l));
  console.log(`baseline (${checkout}):`);
  for (const line of header) console.log(`  ${line}`);
  console.log("this build beside the baseline, p50 / p95 (ms), and the ratio of the p95s:");
  for (const l of ours) {
    const b = theirs.get(l.name);
    const them = b
      ? `${b.p50.toFixed(1).padStart(7)} / ${b.p95.toFixed(1).padStart(7)}`
      : "      —";
    const ratio = b && b.p95 > 0 ? (l.p95 / b.p95).toFixed(2) : "—";
    console.log(
      `  ${l.name.padEnd(30)} ${l.p50.toFixed(1).padStart(7)} / ${l.p95.toFixed(1).padStart(7)}   ${them}   ×${ratio}`,
    );
  }
}
