await import("node:path");
global.gc?.();
const r0 = process.memoryUsage().rss;
for (const m of process.argv.slice(2)) await import(m);
global.gc?.();
const m = process.memoryUsage();
console.log(
  process.argv.slice(2).join("+").padEnd(40),
  ((m.rss - r0) / 2 ** 20).toFixed(1),
  "heapUsed",
  (m.heapUsed / 2 ** 20).toFixed(1),
  "heapTotal",
  (m.heapTotal / 2 ** 20).toFixed(1),
  "ext",
  (m.external / 2 ** 20).toFixed(1),
);
