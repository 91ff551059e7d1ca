// The Prometheus side as files: rules and scrape config pass promtool, every rule has a unit test
// of its own, and rules name only metrics the collector exports or other rules record.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { METRIC_BY_NAME } from "../../shared/metrics.js";
import {
  loadRules,
  metricNames,
  PROMETHEUS_YML,
  RULE_TESTS_DIR,
  RULES_DIR,
} from "../helpers/dashboards.js";
import { peer } from "../helpers/peers.js";
import { promtool } from "../helpers/prometheus.js";

const rules = loadRules();
/** Names the collector's prom-client registry adds itself (process and Node.js metrics). */
const PROM_CLIENT_DEFAULTS = /^giamsat_collector_(process|nodejs)_[a-z0-9_]+$/;
const ruleFiles = readdirSync(RULES_DIR).map((f) => join(RULES_DIR, f));
const testFiles = readdirSync(RULE_TESTS_DIR).map((f) => join(RULE_TESTS_DIR, f));

describe("Prometheus rules", () => {
  it("include the alerts operators were promised", () => {
    expect(rules.flatMap((r) => r.alert ?? []).sort()).toEqual([
      "GiamsatAgentBufferDropping",
      "GiamsatAgentClockOffset",
      "GiamsatAgentConfigRefused",
      "GiamsatAgentSamplesRefused",
      "GiamsatAgentSilent",
      "GiamsatAgentVersionMismatch",
      "GiamsatCertificateExpired",
      "GiamsatCertificateExpiringSoon",
      "GiamsatCheckDown",
      "GiamsatCollectorDiskFillingUp",
      "GiamsatCollectorDown",
      "GiamsatCollectorEventLoopLag",
      "GiamsatCollectorIngestErrors",
      "GiamsatCollectorRejectingMessages",
      "GiamsatCollectorWritesFailing",
      "GiamsatFilesystemAlmostFull",
      "GiamsatNotificationsFailing",
      "GiamsatNotificationsLost",
      "GiamsatPacketLoss",
      "GiamsatRemoteWriteDropping",
      "GiamsatRemoteWriteLagging",
      "GiamsatRollupLagging",
      "GiamsatUnitBelowTarget",
      "GiamsatUnitNotMonitored",
    ]);
  });

  it("say every alert in English and Vietnamese, naming a unit by its name", () => {
    for (const rule of rules.filter((r) => r.alert)) {
      const a = rule.annotations ?? {};
      for (const key of ["summary", "description", "summary_vi", "description_vi"]) {
        expect(a[key], `${rule.alert}: ${key}`).toMatch(/\S/);
      }
      // An alert about a unit (every group but the collector's) says the unit's name, which it
      // takes from giamsat_unit_info.
      if (rule.group === "giamsat-collector") continue;
      expect(rule.expr, rule.alert).toContain("giamsat_unit_info");
      expect(a.summary, rule.alert).toContain("{{ $labels.name }}");
      expect(a.summary_vi, rule.alert).toContain("{{ $labels.name }}");
    }
  });

  it("each have a unit test: every alert in an alert_rule_test, every recording in a promql_expr_test", () => {
    const tested = { alerts: new Set<string>(), exprs: [] as string[] };
    for (const file of testFiles) {
      const doc = parse(readFileSync(file, "utf8")) as {
        tests: {
          alert_rule_test?: { alertname: string }[];
          promql_expr_test?: { expr: string }[];
        }[];
      };
      for (const test of doc.tests) {
        for (const a of test.alert_rule_test ?? []) tested.alerts.add(a.alertname);
        for (const e of test.promql_expr_test ?? []) tested.exprs.push(e.expr);
      }
    }
    for (const rule of rules) {
      if (rule.alert) expect(tested.alerts.has(rule.alert), rule.alert).toBe(true);
      if (rule.record) {
        const record = rule.record;
        expect(
          tested.exprs.some((e) => metricNames(e).includes(record)),
          record,
        ).toBe(true);
      }
    }
  });

  it("name only metrics of the metric table, prom-client's defaults or recording rules", () => {
    const recorded = new Set(rules.flatMap((r) => r.record ?? []));
    for (const rule of rules) {
      for (const name of metricNames(rule.expr)) {
        const known =
          METRIC_BY_NAME.has(name) || recorded.has(name) || PROM_CLIENT_DEFAULTS.test(name);
        expect(known, `${name} in ${rule.expr}`).toBe(true);
      }
    }
  });

  it("pass promtool check rules and promtool test rules", (ctx) => {
    const binary = peer("promtool");
    if (!binary) return ctx.skip();
    const checked = promtool(binary, ["check", "rules", ...ruleFiles]);
    expect(checked.output).not.toMatch(/FAILED/);
    expect(checked.status).toBe(0);
    const tested = promtool(binary, ["test", "rules", ...testFiles]);
    expect(tested.output).not.toMatch(/FAILED/);
    expect(tested.output.match(/SUCCESS/g)?.length).toBe(testFiles.length);
    expect(tested.status).toBe(0);
  });

  it("ship a prometheus.yml that promtool accepts", (ctx) => {
    const binary = peer("promtool");
    if (!binary) return ctx.skip();
    // --syntax-only: the token file it names exists on the Prometheus server, not here.
    const checked = promtool(binary, ["check", "config", "--syntax-only", PROMETHEUS_YML]);
    expect(checked.output).toContain("SUCCESS");
    expect(checked.status).toBe(0);
  });
});
