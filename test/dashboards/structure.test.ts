// The Grafana dashboards as files: valid, pretty-printed JSON a Grafana 10/11 imports, every panel
// on the `datasource` variable, unit and agent chosen by variables, never written in.
import { describe, expect, it } from "vitest";
import { DROP_REASONS } from "../../agent/outbox/entry.js";
import { METRIC_BY_NAME, METRICS } from "../../shared/metrics.js";
import {
  allPanels,
  BUILTIN_VARIABLES,
  type Dashboard,
  literalUnitMatchers,
  loadDashboards,
  loadRules,
  metricNames,
  panelQueries,
  substitute,
  variableQuery,
  variableSource,
  variablesIn,
} from "../helpers/dashboards.js";

const dashboards = loadDashboards();
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template.
const DATASOURCE = { type: "prometheus", uid: "${datasource}" };

/** Names the collector's prom-client registry adds itself (process and Node.js metrics). */
const PROM_CLIENT_DEFAULTS = /^giamsat_collector_(process|nodejs)_[a-z0-9_]+$/;

function expressions(dashboard: Dashboard): string[] {
  return [
    ...panelQueries(dashboard.json).map((q) => q.expr),
    ...dashboard.json.templating.list.flatMap((v) => variableQuery(v) ?? []),
  ];
}

describe("dashboards", () => {
  it("are the six dashboards the operators need, with unique uids and titles", () => {
    expect(dashboards.map((d) => d.json.uid).sort()).toEqual([
      "giamsat-city-overview",
      "giamsat-collector",
      "giamsat-equipment",
      "giamsat-network",
      "giamsat-unit",
      "giamsat-websites",
    ]);
    expect(new Set(dashboards.map((d) => d.json.title)).size).toBe(dashboards.length);
  });

  it.each(dashboards.map((d) => [d.file, d] as const))(
    "%s is pretty-printed JSON for Grafana 10/11",
    (_file, dashboard) => {
      expect(dashboard.text).toBe(`${JSON.stringify(dashboard.json, null, 2)}\n`);
      expect(dashboard.json.schemaVersion).toBe(39);
      expect(dashboard.json.tags).toContain("giamsat");
    },
  );

  it.each(dashboards.map((d) => [d.file, d] as const))(
    "%s has unique panel ids and panels that fit the 24-column grid without overlapping",
    (_file, dashboard) => {
      const panels = allPanels(dashboard.json);
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const [i, a] of panels.entries()) {
        expect(a.gridPos.x + a.gridPos.w, a.title).toBeLessThanOrEqual(24);
        for (const b of panels.slice(i + 1)) {
          const overlap =
            a.gridPos.x < b.gridPos.x + b.gridPos.w &&
            b.gridPos.x < a.gridPos.x + a.gridPos.w &&
            a.gridPos.y < b.gridPos.y + b.gridPos.h &&
            b.gridPos.y < a.gridPos.y + a.gridPos.h;
          expect(overlap, `${a.title} overlaps ${b.title}`).toBe(false);
        }
      }
    },
  );

  it.each(dashboards.map((d) => [d.file, d] as const))(
    "%s has a Prometheus datasource variable, unit and agent variables, and no saved selection",
    (_file, dashboard) => {
      const vars = dashboard.json.templating.list;
      const byName = new Map(vars.map((v) => [v.name, v]));
      expect(byName.get("datasource")).toMatchObject({ type: "datasource", query: "prometheus" });
      for (const name of ["unit", "agent"]) {
        const variable = byName.get(name);
        expect(variable?.type, name).toBe("query");
        expect(variableSource(variable ?? { name, type: "" })?.label).toBe(name);
      }
      for (const variable of vars) {
        if (variable.type === "query") expect(variable.datasource).toEqual(DATASOURCE);
        if (variable.type === "query")
          expect(variableSource(variable), variable.name).toBeDefined();
        // A saved current value would open the dashboard on one particular unit or agent.
        expect(variable.current ?? {}, variable.name).toEqual({});
      }
    },
  );

  it.each(dashboards.map((d) => [d.file, d] as const))(
    "%s reads every panel from the datasource variable, with a query per target",
    (_file, dashboard) => {
      for (const panel of allPanels(dashboard.json)) {
        if (panel.type === "row") continue;
        expect(panel.datasource, panel.title).toEqual(DATASOURCE);
        expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
        const refIds = (panel.targets ?? []).map((t) => t.refId);
        expect(new Set(refIds).size, panel.title).toBe(refIds.length);
        for (const target of panel.targets ?? []) {
          expect(target.datasource, panel.title).toEqual(DATASOURCE);
          expect(target.expr?.trim(), panel.title).toBeTruthy();
        }
      }
    },
  );

  it.each(dashboards.map((d) => [d.file, d] as const))(
    "%s chooses units only through variables and uses only variables it defines",
    (_file, dashboard) => {
      const defined = new Set([
        ...dashboard.json.templating.list.map((v) => v.name),
        ...Object.keys(BUILTIN_VARIABLES),
      ]);
      for (const expr of expressions(dashboard)) {
        expect(literalUnitMatchers(expr), expr).toEqual([]);
        for (const name of variablesIn(expr))
          expect(defined.has(name), `$${name} in ${expr}`).toBe(true);
      }
    },
  );

  it.each(dashboards.map((d) => [d.file, d] as const))(
    "%s names only metrics of the metric table, prom-client's defaults and recording rules",
    (_file, dashboard) => {
      const recorded = new Set(loadRules().flatMap((r) => r.record ?? []));
      for (const expr of expressions(dashboard)) {
        for (const name of metricNames(expr)) {
          const known =
            METRIC_BY_NAME.has(name) || recorded.has(name) || PROM_CLIENT_DEFAULTS.test(name);
          expect(known, `${name} in ${expr}`).toBe(true);
        }
      }
    },
  );

  it("describe every reason an agent drops samples for where a panel shows the drops", () => {
    const dropped = METRICS.agentBufferDropped.name;
    const panels = dashboards
      .flatMap((d) => allPanels(d.json))
      .filter((panel) =>
        (panel.targets ?? []).some((t) => metricNames(t.expr ?? "").includes(dropped)),
      );
    expect(panels.length).toBeGreaterThan(0);
    for (const panel of panels) {
      // Whole words: "full" is not found in "disk_full".
      const unnamed = DROP_REASONS.filter(
        (reason) => !new RegExp(`\\b${reason}\\b`).test(panel.description ?? ""),
      );
      expect(unnamed, `reasons the description of "${panel.title}" leaves out`).toEqual([]);
    }
  });
});

describe("one source of figures", () => {
  it.each(dashboards.map((d) => [d.file, d] as const))(
    "%s reads availability from the collector's gap-aware gauges, never from check results over time",
    (_file, dashboard) => {
      for (const expr of expressions(dashboard)) {
        expect(expr, expr).not.toMatch(/avg_over_time\s*\(\s*giamsat_check_up/);
        expect(expr, expr).not.toMatch(/giamsat_check_up:avg_over_time/);
      }
    },
  );

  it("shows availability and the target from the collector on the overview and unit dashboards", () => {
    for (const uid of ["giamsat-city-overview", "giamsat-unit"]) {
      const dashboard = dashboards.find((d) => d.json.uid === uid);
      const all = dashboard ? expressions(dashboard).join("\n") : "";
      expect(all, uid).toContain("giamsat_unit_availability_ratio");
      expect(all, uid).toContain("giamsat_availability_target_ratio");
    }
  });

  it.each(dashboards.map((d) => [d.file, d] as const))(
    "%s names units by their names: tables of units join giamsat_unit_info, the unit variable shows names",
    (_file, dashboard) => {
      for (const panel of allPanels(dashboard.json)) {
        if (panel.type !== "table") continue;
        for (const target of panel.targets ?? []) {
          const expr = target.expr ?? "";
          if (!/unit=/.test(expr) || expr.includes("giamsat_unit_info")) continue;
          expect.fail(`${panel.title}: ${expr} shows unit ids without their names`);
        }
      }
      const unit = dashboard.json.templating.list.find((v) => v.name === "unit");
      expect(unit?.regex, "the unit variable's regex takes the name as its text").toMatch(
        /\?<text>/,
      );
    },
  );

  it.each(dashboards.map((d) => [d.file, d] as const))(
    "%s links to the collector's pages through a collector variable",
    (_file, dashboard) => {
      const collector = dashboard.json.templating.list.find((v) => v.name === "collector");
      expect(collector?.type).toBe("textbox");
      const links = JSON.stringify(dashboard.json);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax.
      expect(links).toContain("${collector}/");
    },
  );
});

describe("dashboard query helpers", () => {
  it("find metric names outside string literals only", () => {
    expect(
      metricNames(
        'sum by (unit) (rate(giamsat_x_total{check="giamsat_not_a_metric"}[5m])) / a:giamsat_y:avg',
      ),
    ).toEqual(["giamsat_x_total", "a:giamsat_y:avg"]);
  });

  it("substitute Grafana's variable syntaxes and refuse an unknown variable", () => {
    expect(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax.
      substitute('x{unit=~"$unit",a="${agent}",b="[[agent]]"}[$__rate_interval]', {
        unit: ".+",
        agent: "pc",
      }),
    ).toBe('x{unit=~".+",a="pc",b="pc"}[15s]');
    expect(() => substitute('x{unit="$nope"}', {})).toThrow(/unknown variable \$nope/);
  });

  it("flag a unit written into a query", () => {
    expect(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax.
      literalUnitMatchers('x{unit="so-tttt"} and y{unit=~"$unit"} or z{unit="${unit}"}'),
    ).toEqual(["so-tttt"]);
  });
});
