// Real collector + real agent + an agent of every probe kind over the real protocol → a real
// Prometheus scraping /metrics with the shipped config and rules → every dashboard query, variable
// and recording rule evaluated through Prometheus's HTTP API.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { METRIC_BY_NAME } from "../../shared/metrics.js";
import { batch, RawAgent } from "../helpers/collector.js";
import {
  type Dashboard,
  loadDashboards,
  loadRules,
  metricNames,
  type PanelQuery,
  panelQueries,
  parseLabelValues,
  rulesHoldingFor,
  shippedPrometheusConfig,
  substitute,
  variableQuery,
  variableSource,
} from "../helpers/dashboards.js";
import { find, parseExposition } from "../helpers/metrics.js";
import { peer } from "../helpers/peers.js";
import {
  AGENT_CLI,
  type CollectorProcess,
  eventually,
  type Program,
  startCollectorProcess,
  startProgram,
  TWO_UNITS,
  tempDir,
  writeAgentConfig,
} from "../helpers/processes.js";
import {
  freePort,
  type PrometheusServer,
  promtool,
  startPrometheus,
} from "../helpers/prometheus.js";
import { SYNTHETIC_KINDS, syntheticBatch, syntheticMetricNames } from "../helpers/synthetic.js";
import { addUsers, Browser, PASSWORD } from "../helpers/web.js";

/** The city overview's panel of availability per unit and category, as Grafana shows it. */
const AVAILABILITY_PANEL = "Availability by unit and category, last 24 hours";

const prometheusBinary = peer("prometheus");
const promtoolBinary = peer("promtool");
const METRICS_TOKEN = "scrape-token-0123456789abcdef";
/** The unit a single-choice `unit` variable is set to: the one whose agent has every kind. */
const RICH_UNIT = "quan-hai-chau";
/** A unit in collector.yaml without any agent. */
const NOT_MONITORED = "ubnd-son-tra";

/** Calls `problems` until it returns none or 30 s have passed; returns the last problems found. */
async function untilNone(problems: () => Promise<string[]>): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  let found = await problems();
  while (found.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    found = await problems();
  }
  return found;
}

describe.skipIf(!prometheusBinary || !promtoolBinary)(
  "dashboards and rules on a real Prometheus",
  () => {
    const dir = tempDir();
    const dashboards = loadDashboards();
    const rules = loadRules();
    let collector: CollectorProcess;
    let agent: Program | undefined;
    let synthetic: RawAgent | undefined;
    let feed: NodeJS.Timeout | undefined;
    let prometheus: PrometheusServer | undefined;
    const auth = { Authorization: `Bearer ${METRICS_TOKEN}` };

    beforeAll(async () => {
      // A remote_write endpoint where nothing listens: the forwarding panels and alerts have
      // their series (retries, a growing queue) without a second copy of the data anywhere; a
      // webhook channel there too, for the notification panels.
      const nobody = await freePort();
      // A third unit that never installed an agent: the alert for units not monitored. The rich
      // unit's remote checks depend on its dc-link; the real agent is in planned maintenance.
      const day = 86_400_000;
      const window = `{ units: [so-tttt], agents: [pc-01], from: "${new Date(Date.now() - 60_000).toISOString()}", to: "${new Date(Date.now() + day).toISOString()}", reason: "Kiểm thử" }`;
      collector = await startCollectorProcess(
        dir.path,
        `${TWO_UNITS.replace("kind: district\n", "kind: district\n    root: dc-link\n")}  - { id: ${NOT_MONITORED}, name: "UBND quận Sơn Trà", kind: district }\n` +
          `maintenance:\n  - ${window}\n` +
          `metrics:\n  token: "${METRICS_TOKEN}"\n` +
          `remoteWrite:\n  - { name: archive, url: "http://127.0.0.1:${nobody}/api/v1/write" }\n` +
          // A notification channel: the notification panels and rules have their series.
          `notifications:\n  channels:\n    - { name: hook, type: webhook, url: "http://127.0.0.1:${nobody}/hook" }\n`,
      );
      // A real agent checking this host.
      const token = await collector.enroll("so-tttt", "pc-01");
      agent = startProgram(AGENT_CLI, [
        "run",
        "--config",
        writeAgentConfig(dir.path, "pc-01", collector.url, token),
      ]);
      // An agent that reported once and went away: the "silent agents" panel and alert.
      const gone = new RawAgent(collector.url, await collector.enroll("so-tttt", "gone-01"));
      await gone.hello();
      gone.send(batch(1, Date.now()));
      await gone.next((m) => m.type === "ack");
      gone.close();
      await gone.closed;
      // An agent with a check of every probe kind, reporting every second.
      synthetic = new RawAgent(collector.url, await collector.enroll(RICH_UNIT, "sim-01"));
      await synthetic.hello();
      let seq = 0;
      const send = () => synthetic?.send(syntheticBatch(++seq, Date.now()));
      send();
      feed = setInterval(send, 1000);

      const tokenFile = join(dir.path, "metrics.token");
      writeFileSync(tokenFile, METRICS_TOKEN);
      prometheus = await startPrometheus({
        binary: prometheusBinary as string,
        config: shippedPrometheusConfig({
          target: new URL(collector.url).host,
          tokenFile,
          interval: "1s",
          // Alerts hold for 5 s instead of minutes or an hour, so they are seen firing.
          ruleFiles: rulesHoldingFor(join(dir.path, "rules"), "5s"),
        }),
      });
    });

    afterAll(async () => {
      clearInterval(feed);
      synthetic?.close();
      await prometheus?.stop();
      await agent?.stop();
      await collector?.program.stop();
      dir.remove();
    });

    /** Variable values as the test sets them: "All" where offered, else RICH_UNIT or the first value. */
    async function variableValues(dashboard: Dashboard): Promise<Record<string, string>> {
      const values: Record<string, string> = { datasource: "unused" };
      for (const variable of dashboard.json.templating.list) {
        if (variable.type !== "query") continue;
        const parsed = variableSource({
          ...variable,
          query: substitute(variableQuery(variable) ?? "", values),
        });
        if (!parsed) throw new Error(`${dashboard.file}: $${variable.name} is not a query we read`);
        const found = await labelValues(parsed.label, parsed.selector);
        if (found.length === 0)
          throw new Error(`${dashboard.file}: $${variable.name} lists nothing`);
        if (variable.includeAll) values[variable.name] = variable.allValue ?? ".+";
        else values[variable.name] = found.includes(RICH_UNIT) ? RICH_UNIT : (found[0] as string);
      }
      return values;
    }

    async function query(expr: string) {
      if (!prometheus) throw new Error("Prometheus did not start");
      return prometheus.query(expr);
    }

    async function labelValues(label: string, selector?: string): Promise<string[]> {
      const params: Record<string, string> = selector ? { "match[]": selector } : {};
      return (await prometheus?.api<string[]>(`label/${label}/values`, params)) ?? [];
    }

    it("serves /metrics with every agent metric, for every probe kind, and promtool accepts it", async (ctx) => {
      const promtoolPath = promtoolBinary;
      if (!promtoolPath) return ctx.skip();
      expect((await fetch(`${collector.url}/metrics`)).status).toBe(401);
      const text = await eventually(async () => {
        const body = await (await fetch(`${collector.url}/metrics`, { headers: auth })).text();
        return body.includes('agent="pc-01"') ? body : undefined;
      });
      const samples = parseExposition(text);
      const exported = new Set(samples.map((s) => s.name));
      const agentMetrics = [...METRIC_BY_NAME.values()].filter((d) => d.source === "agent");
      // The synthetic agent must keep up with the metric table, or the dashboards go untested.
      expect([...syntheticMetricNames()].sort()).toEqual(agentMetrics.map((d) => d.name).sort());
      for (const def of agentMetrics) expect(exported.has(def.name), def.name).toBe(true);
      for (const kind of [...SYNTHETIC_KINDS, "host"]) {
        expect(find(samples, "giamsat_check_up", { kind }).length, kind).toBeGreaterThan(0);
      }
      const checked = promtool(promtoolPath, ["check", "metrics"], text);
      expect(checked.output).toBe("");
      expect(checked.status).toBe(0);
    });

    it("is scraped by Prometheus with the shipped config and the bearer token", async () => {
      const up = await eventually(async () => {
        const [sample] = await query('up{job="giamsat-collector"}');
        return sample?.value === 1 ? sample : undefined;
      });
      expect(up.metric.instance).toBe(new URL(collector.url).host);
    });

    it("gives Grafana's availability panel the figures of the collector's API, to 0.1 percentage point", async () => {
      const [overview] = dashboards.filter((d) => d.json.uid === "giamsat-city-overview");
      if (!overview) throw new Error("no city overview dashboard");
      const panel = panelQueries(overview.json).find((q) => q.panel === AVAILABILITY_PANEL);
      if (!panel) throw new Error(`no panel "${AVAILABILITY_PANEL}" on the city overview`);
      const promql = substitute(panel.expr, await variableValues(overview));
      await addUsers(join(dir.path, "collector.db"), [{ name: "grafana-check", role: "city" }]);
      const reader = new Browser(collector.url);
      expect((await reader.login("grafana-check", PASSWORD)).status).toBe(303);
      // Until the gauges of both units with agents are out (recomputed once a minute).
      const samples = await eventually(
        async () => {
          const found = await query(promql);
          const units = new Set(found.map((s) => s.metric.unit));
          return units.has("so-tttt") && units.has(RICH_UNIT) ? found : undefined;
        },
        90_000,
        "the availability gauges in Prometheus",
      );
      const api = JSON.parse((await reader.get("/api/v1/units?window=24h")).text) as {
        units: { id: string; categories: Record<string, { availability: number | null }> }[];
      };
      const differences = samples.map((s) => {
        const unit = api.units.find((u) => u.id === s.metric.unit);
        const figure = unit?.categories[s.metric.category ?? ""]?.availability;
        return { unit: s.metric.unit, category: s.metric.category, grafana: s.value, api: figure };
      });
      expect(differences.length).toBeGreaterThanOrEqual(6);
      for (const d of differences) {
        expect(d.api, `${d.unit}/${d.category}`).not.toBeNull();
        expect(Math.abs(d.grafana - (d.api ?? 0)), `${d.unit}/${d.category}`).toBeLessThanOrEqual(
          0.001,
        );
      }
      // Names come with the figures, from giamsat_unit_info.
      expect(samples.find((s) => s.metric.unit === RICH_UNIT)?.metric.name).toBe(
        "UBND quận Hải Châu",
      );
      expect(
        differences.find((d) => d.unit === RICH_UNIT && d.category === "lan")?.grafana,
      ).toBeCloseTo(2 / 3, 3);
    });

    it("loads every rule healthy, and each recording rule returns series", async () => {
      const failures = await untilNone(async () => {
        const empty: string[] = [];
        for (const rule of rules.filter((r) => r.record)) {
          if ((await query(rule.expr)).length === 0) empty.push(rule.expr);
          if ((await query(rule.record ?? "")).length === 0)
            empty.push(`${rule.record} (recorded)`);
        }
        return empty;
      });
      expect(failures).toEqual([]);
      const loaded = await prometheus?.api<{
        groups: { rules: { name: string; health: string; lastError?: string }[] }[];
      }>("rules");
      const all = loaded?.groups.flatMap((g) => g.rules) ?? [];
      expect(all.map((r) => r.name).sort()).toEqual(
        rules.map((r) => r.alert ?? r.record ?? "").sort(),
      );
      for (const rule of all) expect(rule, rule.name).toMatchObject({ health: "ok" });
    });

    it("lists the units and agents in the dashboards' variables", async () => {
      const [overview] = dashboards.filter((d) => d.json.uid === "giamsat-city-overview");
      if (!overview) throw new Error("no city overview dashboard");
      expect(await labelValues("unit", "giamsat_unit_info")).toEqual([
        "quan-hai-chau",
        "so-tttt",
        NOT_MONITORED,
      ]);
      const values = await variableValues(overview);
      const agentQuery = parseLabelValues(
        substitute(
          variableQuery(
            overview.json.templating.list.find((v) => v.name === "agent") ?? {
              name: "",
              type: "",
            },
          ) ?? "",
          values,
        ),
      );
      expect(await labelValues("agent", agentQuery?.selector)).toEqual([
        "gone-01",
        "pc-01",
        "sim-01",
      ]);
    });

    it("returns at least one series for every query of every dashboard panel", async () => {
      const queries: (PanelQuery & { promql: string })[] = [];
      for (const dashboard of dashboards) {
        const values = await variableValues(dashboard);
        for (const query of panelQueries(dashboard.json)) {
          queries.push({ ...query, promql: substitute(query.expr, values) });
        }
      }
      expect(queries.length).toBeGreaterThan(60);
      // Rates need two scrapes and the day's availability a recorded sample: wait for them.
      const empty = await untilNone(async () => {
        const missing: string[] = [];
        for (const q of queries) {
          if ((await query(q.promql)).length === 0) {
            missing.push(`${q.dashboard} / ${q.panel} / ${q.refId}: ${q.promql}`);
          }
        }
        return missing;
      });
      expect(empty).toEqual([]);
    });

    it("finds every metric that dashboards and rules name on the collector's /metrics", async () => {
      const text = await (await fetch(`${collector.url}/metrics`, { headers: auth })).text();
      const known = new Set([
        ...parseExposition(text).map((s) => s.name.replace(/_(bucket|sum|count)$/, "")),
        ...parseExposition(text).map((s) => s.name),
        ...rules.flatMap((r) => r.record ?? []),
      ]);
      const named = [
        ...dashboards.flatMap((d) => [
          ...panelQueries(d.json).map((q) => q.expr),
          ...d.json.templating.list.flatMap((v) => variableQuery(v) ?? []),
        ]),
        ...rules.map((r) => r.expr),
      ].flatMap((expr) => metricNames(expr).map((name) => ({ name, expr })));
      expect(named.filter(({ name }) => !known.has(name))).toEqual([]);
    });

    it("fires the alerts the synthetic agent's troubles call for, and none for the healthy host", async () => {
      type Alert = { labels: Record<string, string>; state: string };
      const expected = [
        { alertname: "GiamsatCheckDown", check: "egov" },
        { alertname: "GiamsatPacketLoss", check: "dc-link" },
        { alertname: "GiamsatCertificateExpiringSoon", check: "portal-tls" },
        { alertname: "GiamsatFilesystemAlmostFull", agent: "sim-01", mount: "/" },
        { alertname: "GiamsatAgentSilent", agent: "gone-01" },
        // A unit without an agent, named by its name; and the unit whose LAN is two-thirds up.
        { alertname: "GiamsatUnitNotMonitored", unit: NOT_MONITORED, name: "UBND quận Sơn Trà" },
        { alertname: "GiamsatUnitBelowTarget", unit: RICH_UNIT, category: "lan" },
      ];
      const alerts = await eventually(
        async () => {
          const found = (await prometheus?.api<{ alerts: Alert[] }>("alerts"))?.alerts ?? [];
          const all = expected.every((want) =>
            found.some(
              (a) =>
                a.state === "firing" && Object.entries(want).every(([k, v]) => a.labels[k] === v),
            ),
          );
          return all ? found : undefined;
        },
        30_000,
        "the expected alerts",
      );
      // None for the healthy host, pending or firing.
      expect(
        alerts.filter(
          (a) => a.labels.agent === "pc-01" && a.labels.alertname !== "GiamsatFilesystemAlmostFull",
        ),
      ).toEqual([]);
      expect(alerts.some((a) => a.labels.alertname === "GiamsatCollectorDown")).toBe(false);
    });
  },
);
