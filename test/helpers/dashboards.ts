// Reads what dashboards/ ships: Grafana dashboards (panels, PromQL, template variables), the
// Prometheus rules and scrape config, so tests can check them and run them against Prometheus.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { ROOT } from "./processes.js";

export const GRAFANA_DIR = join(ROOT, "dashboards/grafana");
export const PROMETHEUS_DIR = join(ROOT, "dashboards/prometheus");
export const RULES_DIR = join(PROMETHEUS_DIR, "rules");
export const RULE_TESTS_DIR = join(PROMETHEUS_DIR, "tests");
export const PROMETHEUS_YML = join(PROMETHEUS_DIR, "prometheus.yml");

export interface DatasourceRef {
  type?: string;
  uid?: string;
}

export interface Target {
  refId: string;
  expr?: string;
  datasource?: DatasourceRef;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  /** Shown when hovering the panel's title. */
  description?: string;
  datasource?: DatasourceRef;
  targets?: Target[];
  /** Panels inside a collapsed row. */
  panels?: Panel[];
}

export interface Variable {
  name: string;
  type: string;
  query?: string | { query: string };
  datasource?: DatasourceRef;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
  current?: Record<string, unknown>;
  /** Grafana's filter on the values; named groups `text` and `value` set what is shown and used. */
  regex?: string;
}

export interface DashboardJson {
  uid: string;
  title: string;
  schemaVersion: number;
  tags: string[];
  panels: Panel[];
  templating: { list: Variable[] };
}

export interface Dashboard {
  file: string;
  text: string;
  json: DashboardJson;
}

export function loadDashboards(): Dashboard[] {
  return readdirSync(GRAFANA_DIR)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((file) => {
      const text = readFileSync(join(GRAFANA_DIR, file), "utf8");
      return { file, text, json: JSON.parse(text) as DashboardJson };
    });
}

/** Every panel, rows' nested panels included. */
export function allPanels(dashboard: DashboardJson): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

export interface PanelQuery {
  dashboard: string;
  panel: string;
  refId: string;
  expr: string;
}

export function panelQueries(dashboard: DashboardJson): PanelQuery[] {
  return allPanels(dashboard).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      dashboard: dashboard.uid,
      panel: panel.title,
      refId: target.refId,
      expr: target.expr ?? "",
    })),
  );
}

export function variableQuery(variable: Variable): string | undefined {
  return typeof variable.query === "string" ? variable.query : variable.query?.query;
}

/**
 * The label a query variable lists and the series it lists it from: `label_values(selector,
 * label)` or `label_values(label)`, or `query_result(selector)` whose regex takes the value from a
 * label (`unit="(?<value>...)"`), as Grafana's Prometheus source reads them.
 */
export function variableSource(
  variable: Variable,
): { selector?: string; label: string } | undefined {
  const query = variableQuery(variable) ?? "";
  const result = /^\s*query_result\((.+)\)\s*$/.exec(query);
  if (!result) return parseLabelValues(query);
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="\(\?<value>/.exec(variable.regex ?? "")?.[1];
  return label ? { selector: result[1] as string, label } : undefined;
}

/** `label_values(selector, label)` or `label_values(label)`, as Grafana's Prometheus source reads it. */
export function parseLabelValues(query: string): { selector?: string; label: string } | undefined {
  const match = /^\s*label_values\(\s*(?:(.+?)\s*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/.exec(
    query,
  );
  if (!match) return undefined;
  return { selector: match[1], label: match[2] as string };
}

/** Grafana's built-in variables that the dashboards may use, with values fit for a short test. */
export const BUILTIN_VARIABLES: Readonly<Record<string, string>> = {
  __rate_interval: "15s",
  __interval: "5s",
  __range: "1h",
};

/**
 * Replaces template variables the way Grafana does before a query reaches Prometheus:
 * `$name`, `${name}`, `${name:format}` and `[[name]]`. A variable without a value throws, so a
 * dashboard cannot reference a variable it does not define.
 */
export function substitute(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(
    /\$\{(\w+)(?::\w+)?\}|\[\[(\w+)(?::\w+)?\]\]|\$(\w+)/g,
    (whole, a?: string, b?: string, c?: string) => {
      const name = (a ?? b ?? c) as string;
      const value = values[name] ?? BUILTIN_VARIABLES[name];
      if (value === undefined) throw new Error(`unknown variable ${whole} in ${expr}`);
      return value;
    },
  );
}

/** Variables an expression refers to. */
export function variablesIn(expr: string): string[] {
  const names = new Set<string>();
  for (const match of expr.matchAll(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)(?::\w+)?\]\]|\$(\w+)/g)) {
    names.add((match[1] ?? match[2] ?? match[3]) as string);
  }
  return [...names];
}

/**
 * The giamsat metric names (and recorded rule names, which contain "giamsat_") that an
 * expression reads. String literals are left out, so a label value never counts as a name.
 */
export function metricNames(expr: string): string[] {
  const code = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  const names = new Set<string>();
  for (const match of code.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    if (match[0].includes("giamsat_")) names.add(match[0]);
  }
  return [...names];
}

/** The `unit` label values an expression matches literally (anything but a template variable). */
export function literalUnitMatchers(expr: string): string[] {
  const found: string[] = [];
  for (const match of expr.matchAll(/\bunit\s*(?:=~|!~|!=|=)\s*"([^"]*)"/g)) {
    const value = match[1] as string;
    if (!/^\$(\w+|\{\w+(:\w+)?\})$/.test(value)) found.push(value);
  }
  return found;
}

export interface Rule {
  file: string;
  group: string;
  record?: string;
  alert?: string;
  expr: string;
  annotations?: Record<string, string>;
}

export function loadRules(): Rule[] {
  return readdirSync(RULES_DIR)
    .filter((name) => name.endsWith(".yml"))
    .sort()
    .flatMap((file) => {
      const doc = parse(readFileSync(join(RULES_DIR, file), "utf8")) as {
        groups: {
          name: string;
          rules: {
            record?: string;
            alert?: string;
            expr: string;
            annotations?: Record<string, string>;
          }[];
        }[];
      };
      return doc.groups.flatMap((group) =>
        group.rules.map((rule) => ({ file, group: group.name, ...rule, expr: String(rule.expr) })),
      );
    });
}

/**
 * The shipped prometheus.yml pointed at a collector: its target, a token file, the rules by
 * absolute path, and a short interval so a test does not wait for minutes.
 */
/**
 * Writes the shipped rules into `dir` with every alert's `for:` set to `holdFor`, and returns the
 * glob of the copies. An alert that must hold for an hour can then be seen firing, not only
 * pending, in a test of a minute; the durations themselves are what `promtool test rules` checks.
 */
export function rulesHoldingFor(dir: string, holdFor: string): string {
  mkdirSync(dir, { recursive: true });
  for (const file of readdirSync(RULES_DIR).filter((name) => name.endsWith(".yml"))) {
    const doc = parse(readFileSync(join(RULES_DIR, file), "utf8")) as {
      groups: { rules: { alert?: string; for?: string }[] }[];
    };
    for (const rule of doc.groups.flatMap((group) => group.rules)) {
      if (rule.alert && rule.for) rule.for = holdFor;
    }
    writeFileSync(join(dir, file), stringify(doc));
  }
  return join(dir, "*.yml");
}

export function shippedPrometheusConfig(options: {
  target: string;
  tokenFile: string;
  interval: string;
  /** Rule files to load instead of the shipped ones (a glob), e.g. from rulesHoldingFor. */
  ruleFiles?: string;
}): Record<string, unknown> {
  const config = parse(readFileSync(PROMETHEUS_YML, "utf8")) as {
    global: Record<string, unknown>;
    rule_files: string[];
    scrape_configs: {
      scrape_timeout?: string;
      authorization?: { credentials_file?: string };
      static_configs: { targets: string[] }[];
    }[];
  };
  config.global.scrape_interval = options.interval;
  config.global.evaluation_interval = options.interval;
  config.rule_files = options.ruleFiles
    ? [options.ruleFiles]
    : config.rule_files.map((file) => join(PROMETHEUS_DIR, file));
  const [scrape] = config.scrape_configs;
  if (!scrape?.authorization) throw new Error("prometheus.yml: no scrape config with a token");
  scrape.scrape_timeout = options.interval;
  scrape.authorization.credentials_file = options.tokenFile;
  scrape.static_configs = [{ targets: [options.target] }];
  return config as unknown as Record<string, unknown>;
}
