// When maintenance windows are on, on the Vietnamese calendar: the minimal forms of collector.yaml
// as written, a weekly window across a month boundary, local days that are not UTC's, a month
// without the day, and what a window's scope covers.
import { describe, expect, it } from "vitest";
import {
  covers,
  occurrences,
  subtract,
} from "../../../collector/inspection/maintenance-schedule.js";
import { collectorConfigSchema } from "../../../shared/config/collector.js";
import { parseYaml, validate } from "../../../shared/config/load.js";
import { maintenanceWindowSchema } from "../../../shared/config/maintenance.js";

const vn = (text: string) => Date.parse(`${text}+07:00`);
const HOUR = 3_600_000;
const spans = (list: { start: number; end: number }[]) =>
  list.map((o) => [new Date(o.start).toISOString(), new Date(o.end).toISOString()]);

const MINIMAL = `
units:
  - { id: so-tttt }
  - { id: quan-hai-chau }
maintenance:
  - { units: [so-tttt], from: "2026-12-12T22:00:00+07:00", to: "2026-12-13T02:00:00+07:00", reason: "Nâng cấp máy chủ" }
  - { units: [quan-hai-chau], every: weekly, days: [sat], at: "22:00", duration: 4h, reason: "Sao lưu định kỳ" }
`;

describe("collector.yaml's maintenance", () => {
  it("takes the minimal forms as written", () => {
    const config = validate(
      "collector.yaml",
      collectorConfigSchema,
      parseYaml("collector.yaml", MINIMAL),
    );
    expect(config.maintenance).toEqual([
      {
        scope: { units: ["so-tttt"] },
        schedule: { every: "once", from: vn("2026-12-12T22:00:00"), to: vn("2026-12-13T02:00:00") },
        reason: "Nâng cấp máy chủ",
      },
      {
        scope: { units: ["quan-hai-chau"] },
        schedule: { every: "weekly", at: 22 * 60, duration: 4 * HOUR, days: [6] },
        reason: "Sao lưu định kỳ",
      },
    ]);
  });

  it.each([
    [
      "{ units: [so-tttt], every: weekly, at: '22:00', duration: 4h, reason: x }",
      "collector.yaml: maintenance[0].days: every: weekly needs days",
    ],
    [
      "{ units: [so-tttt], from: '2026-12-13T02:00', to: '2026-12-12T22:00', reason: x }",
      "collector.yaml: maintenance[0].to: must be after from",
    ],
    [
      "{ units: [so-ttt], from: '2026-12-12T22:00', to: '2026-12-13T02:00', reason: x }",
      'collector.yaml: maintenance[0].units: no unit "so-ttt" in units',
    ],
    [
      "{ units: [so-tttt], every: daily, at: '22:00', duration: 25h, reason: x }",
      "collector.yaml: maintenance[0].duration: an every: daily window lasts at most 1d",
    ],
    [
      "{ units: [so-tttt], from: 'tomorrow', to: '2026-12-13T02:00', reason: x }",
      'collector.yaml: maintenance[0].from: "tomorrow" is not a time',
    ],
    [
      "{ units: [so-tttt], every: weekly, days: [saturday], at: '22:00', duration: 4h, reason: x }",
      "collector.yaml: maintenance[0].days[0]",
    ],
    [
      "{ units: [so-tttt], from: '2026-12-12T22:00', to: '2026-12-13T02:00', reason: x, why: y }",
      'collector.yaml: maintenance[0]: unknown key "why"',
    ],
  ])("refuses %s naming the field", (window, message) => {
    const text = `units: [{ id: so-tttt }]\nmaintenance:\n  - ${window}\n`;
    expect(() =>
      validate("collector.yaml", collectorConfigSchema, parseYaml("collector.yaml", text)),
    ).toThrow(message);
  });
});

describe("occurrences in Vietnam time", () => {
  const weekly = maintenanceWindowSchema.parse({
    units: ["quan-hai-chau"],
    every: "weekly",
    days: ["sat"],
    at: "22:00",
    duration: "4h",
    reason: "Sao lưu định kỳ",
  }).schedule;

  it("a weekly window across a month boundary belongs to both months, cut where they meet", () => {
    // Saturday 2026-10-31 22:00 to Sunday 02:00 in Vietnam: two hours in October, two in November.
    const november = occurrences(weekly, vn("2026-11-01T00:00:00"), vn("2026-12-01T00:00:00"));
    expect(spans(november)).toEqual(
      spans([
        { start: vn("2026-10-31T22:00:00"), end: vn("2026-11-01T02:00:00") },
        { start: vn("2026-11-07T22:00:00"), end: vn("2026-11-08T02:00:00") },
        { start: vn("2026-11-14T22:00:00"), end: vn("2026-11-15T02:00:00") },
        { start: vn("2026-11-21T22:00:00"), end: vn("2026-11-22T02:00:00") },
        { start: vn("2026-11-28T22:00:00"), end: vn("2026-11-29T02:00:00") },
      ]),
    );
    const october = occurrences(weekly, vn("2026-10-01T00:00:00"), vn("2026-11-01T00:00:00"));
    expect(october.at(-1)).toEqual({
      start: vn("2026-10-31T22:00:00"),
      end: vn("2026-11-01T02:00:00"),
    });
  });

  it("takes the day of the week of Vietnam, not of UTC", () => {
    // 05:00 on a Monday in Vietnam is 22:00 on the Sunday in UTC.
    const early = maintenanceWindowSchema.parse({
      units: ["so-tttt"],
      every: "weekly",
      days: ["mon"],
      at: "05:00",
      duration: "1h",
      reason: "x",
    }).schedule;
    const week = occurrences(early, vn("2026-11-02T00:00:00"), vn("2026-11-09T00:00:00"));
    expect(spans(week)).toEqual([["2026-11-01T22:00:00.000Z", "2026-11-01T23:00:00.000Z"]]);
  });

  it("skips a month without the day, and repeats daily at the local time", () => {
    const monthly = maintenanceWindowSchema.parse({
      units: ["so-tttt"],
      every: "monthly",
      day: 31,
      at: "23:30",
      duration: "1h",
      reason: "x",
    }).schedule;
    const autumn = occurrences(monthly, vn("2026-10-01T00:00:00"), vn("2027-01-01T00:00:00"));
    expect(autumn.map((o) => new Date(o.start + 7 * HOUR).toISOString().slice(0, 10))).toEqual([
      "2026-10-31",
      "2026-12-31",
    ]);
    const daily = maintenanceWindowSchema.parse({
      units: ["so-tttt"],
      every: "daily",
      at: "00:30",
      duration: "30m",
      reason: "x",
    }).schedule;
    const two = occurrences(daily, vn("2026-11-01T00:00:00"), vn("2026-11-03T00:00:00"));
    expect(spans(two)).toEqual([
      ["2026-10-31T17:30:00.000Z", "2026-10-31T18:00:00.000Z"],
      ["2026-11-01T17:30:00.000Z", "2026-11-01T18:00:00.000Z"],
    ]);
  });
});

describe("a window's scope", () => {
  const check = { unit: "so-tttt", agent: "pc-01", check: "portal", category: "website" };
  it("covers the unit's checks, narrowed by agents, categories and checks", () => {
    expect(covers({ units: ["so-tttt"] }, check)).toBe(true);
    expect(covers({ units: ["quan-hai-chau"] }, check)).toBe(false);
    expect(covers({ units: ["so-tttt"], agents: ["pc-02"] }, check)).toBe(false);
    expect(covers({ units: ["so-tttt"], categories: ["website"] }, check)).toBe(true);
    expect(covers({ units: ["so-tttt"], categories: ["lan"] }, check)).toBe(false);
    expect(covers({ units: ["so-tttt"], checks: ["portal"] }, check)).toBe(true);
    expect(covers({ units: ["so-tttt"], checks: ["egov"] }, check)).toBe(false);
  });

  it("covers an agent as a whole (its silence) only when not narrowed to categories or checks", () => {
    const agent = { unit: "so-tttt", agent: "pc-01" };
    expect(covers({ units: ["so-tttt"], agents: ["pc-01"] }, agent)).toBe(true);
    expect(covers({ units: ["so-tttt"], checks: ["portal"] }, agent)).toBe(false);
  });

  it("leaves out of held results the time in maintenance, keeping up or down", () => {
    const held = [
      { start: 0, end: 10, up: true },
      { start: 10, end: 30, up: false },
      { start: 30, end: 40, up: true },
    ];
    expect(
      subtract(held, [
        { start: 5, end: 12 },
        { start: 20, end: 35 },
      ]),
    ).toEqual([
      { start: 0, end: 5, up: true },
      { start: 12, end: 20, up: false },
      { start: 35, end: 40, up: true },
    ]);
  });
});
