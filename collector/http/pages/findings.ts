// The summary's findings (codes with numbers) said as sentences from the language's catalogue.

import type { FindingCode } from "./i18n/catalogue.js";
import type { Formatter } from "./i18n/index.js";

export interface FindingView {
  code: string;
  severity: "ok" | "info" | "warning" | "problem";
  params: Record<string, string | number>;
}

export function sayFinding(f: Formatter, finding: FindingView): string {
  const say = f.t.findings[finding.code as FindingCode];
  if (!say) return finding.code;
  const { params } = finding;
  return say(
    f,
    (key) => Number(params[key] ?? 0),
    (key) => String(params[key] ?? ""),
  );
}
