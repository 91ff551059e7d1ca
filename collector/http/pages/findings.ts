// The summary's findings (codes with numbers) said as sentences from the language's catalogue.

import type { Finding } from "../../inspection/findings.js";
import type { Formatter } from "./i18n/index.js";

export function sayFinding(f: Formatter, finding: Finding): string {
  const say = f.t.findings[finding.code];
  if (!say) return finding.code;
  const { params } = finding;
  return say(
    f,
    (key) => Number(params[key] ?? 0),
    (key) => String(params[key] ?? ""),
  );
}
