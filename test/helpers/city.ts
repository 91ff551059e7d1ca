// A city of sixteen units with five weeks of history, at a fixed moment (10:00 on Saturday
// 5 December 2026, Vietnam time), for the leaders' pages: units in every condition a leader must
// tell apart (an application down now, a software package down in one of two checks, an agent
// silent for three hours, a unit that never installed one, an agent enrolled that never
// connected), November's incidents (an outage of two checks at once, a data-center link cut, a unit
// with twenty checks and two hundred incidents), titles, inventories that changed and a
// certificate about to expire. Everything is written through the batch store, as ingest writes it.

import type { AgentIdentity } from "../../collector/agents/registry.js";
import { AgentStore } from "../../collector/agents/registry.js";
import { UserStore } from "../../collector/auth/users.js";
import { addSignoff } from "../../collector/inspection/signoffs.js";
import type { Category } from "../../shared/categories.js";
import { METRICS } from "../../shared/metrics.js";
import type { CheckResult, Reason } from "../../shared/protocol.js";
import { type TestStore, testStore } from "./store.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** A time in Vietnam (UTC+7), e.g. at("2026-11-12 08:00"). */
export function at(text: string): number {
  return Date.parse(`${text.replace(" ", "T")}:00+07:00`);
}

/** The city's clock: 10:00 on 5 December 2026 in Vietnam. */
export const NOW = at("2026-12-05 10:00");
/** Where its history begins: 1 November 2026. */
export const START = at("2026-11-01 00:00");
export const PASSWORD = "correct horse battery staple";

export const LEADER = { name: "Lê Văn Ánh", title: "Phó Giám đốc" };

interface Down {
  from: number;
  to: number;
  reason: Reason;
  message: string;
}

interface CheckSpec {
  name: string;
  title?: string;
  category: Category;
  kind: string;
  down?: Down[];
}

interface AgentSpec {
  unit: string;
  name: string;
  hostname: string;
  checks: CheckSpec[];
  /** Results every this many ms. */
  every: number;
  /** The agent's last result; it is silent after. */
  until?: number;
}

const down = (from: string, to: string, reason: Reason, message: string): Down => ({
  from: at(from),
  to: at(to),
  reason,
  message,
});

export const UNITS = [
  {
    id: "so-tttt",
    name: "Sở Thông tin và Truyền thông",
    leader: LEADER,
    contact: { name: "Trần Thị Bích", phone: "0236 3 822 111", email: "cntt@tttt.danang.gov.vn" },
  },
  {
    id: "ubnd-hai-chau",
    name: "UBND quận Hải Châu",
    kind: "district",
    leader: { name: "Phạm Quốc Hưng", title: "Phó Chủ tịch UBND quận" },
  },
  {
    id: "so-gtvt",
    name: "Sở Giao thông vận tải",
    leader: { name: "Nguyễn Thị Hoa", title: "Phó Giám đốc" },
  },
  { id: "so-yte", name: "Sở Y tế", leader: { name: "Đỗ Minh Quang", title: "Phó Giám đốc" } },
  {
    id: "ubnd-son-tra",
    name: "UBND quận Sơn Trà",
    kind: "district",
    leader: { name: "Võ Thanh Tùng", title: "Phó Chủ tịch UBND quận" },
  },
  {
    id: "bql-khu-cn",
    name: "Ban Quản lý các Khu công nghệ cao và các Khu công nghiệp Đà Nẵng",
    kind: "agency",
    leader: { name: "Huỳnh Văn Thắng", title: "Phó Trưởng ban" },
  },
  { id: "so-xd", name: "Sở Xây dựng", leader: { name: "Lương Thị Mai", title: "Phó Giám đốc" } },
  ...[
    ["so-tc", "Sở Tài chính"],
    ["so-khdt", "Sở Kế hoạch và Đầu tư"],
    ["so-gddt", "Sở Giáo dục và Đào tạo"],
    ["so-nv", "Sở Nội vụ"],
    ["so-tp", "Sở Tư pháp"],
    ["ubnd-thanh-khe", "UBND quận Thanh Khê"],
    ["ubnd-lien-chieu", "UBND quận Liên Chiểu"],
    ["ubnd-cam-le", "UBND quận Cẩm Lệ"],
    ["ubnd-hoa-vang", "UBND huyện Hòa Vang"],
  ].map(([id, name]) => ({
    id: id as string,
    name: name as string,
    leader: { name: "Trần Văn Bình", title: "Phó Giám đốc" },
  })),
];

function agents(): AgentSpec[] {
  const now = NOW;
  return [
    {
      unit: "so-tttt",
      name: "pc-01",
      hostname: "tttt-giamsat-01",
      every: 10 * MIN,
      checks: [
        { name: "gateway", title: "Cổng mạng nội bộ", category: "lan", kind: "ping" },
        { name: "core-switch", title: "Bộ chuyển mạch trung tâm", category: "lan", kind: "snmp" },
        { name: "host", title: "Máy chủ giám sát", category: "equipment", kind: "host" },
        {
          name: "dvc",
          title: "Cổng dịch vụ công",
          category: "online_app",
          kind: "http",
          down: [
            down("2026-11-12 08:00", "2026-11-12 11:10", "timeout", "no answer within 10 s"),
            {
              from: now - 25 * MIN,
              to: now + HOUR,
              reason: "refused",
              message: "connect ECONNREFUSED 10.0.0.5:443",
            },
          ],
        },
        {
          name: "mail",
          title: "Thư điện tử công vụ",
          category: "shared_software",
          kind: "tcp",
          down: [
            down(
              "2026-11-20 14:00",
              "2026-11-20 14:30",
              "unreachable",
              "connect EHOSTUNREACH 10.0.0.8:25",
            ),
          ],
        },
        {
          name: "office",
          title: "Phần mềm quản lý văn bản",
          category: "shared_software",
          kind: "process",
          down: [
            down(
              "2026-11-20 14:00",
              "2026-11-20 14:30",
              "not_found",
              "no process matches qlvb-server",
            ),
          ],
        },
        {
          name: "portal",
          title: "Cổng thông tin điện tử",
          category: "website",
          kind: "http",
          down: [down("2026-11-25 09:00", "2026-11-25 09:20", "timeout", "no answer within 10 s")],
        },
        {
          name: "dc-link",
          title: "Đường truyền về Trung tâm",
          category: "datacenter",
          kind: "ping",
          down: [down("2026-11-25 08:55", "2026-11-25 09:20", "timeout", "100% packet loss")],
        },
      ],
    },
    {
      unit: "ubnd-hai-chau",
      name: "hc-01",
      hostname: "haichau-gs",
      every: 15 * MIN,
      checks: [
        { name: "gateway", title: "Cổng mạng", category: "lan", kind: "ping" },
        { name: "host", category: "equipment", kind: "host" },
        { name: "motcua", title: "Một cửa điện tử", category: "online_app", kind: "http" },
        { name: "qlvb", title: "Quản lý văn bản", category: "shared_software", kind: "http" },
        { name: "web", title: "Trang thông tin quận", category: "website", kind: "http" },
        {
          name: "dc-link",
          title: "Đường truyền về Trung tâm",
          category: "datacenter",
          kind: "ping",
        },
      ],
    },
    {
      unit: "so-gtvt",
      name: "gt-01",
      hostname: "gtvt-mon",
      every: 15 * MIN,
      until: now - 3 * HOUR,
      checks: [
        { name: "gateway", category: "lan", kind: "ping" },
        { name: "portal", title: "Cổng thông tin Sở", category: "website", kind: "http" },
        { name: "dc-link", category: "datacenter", kind: "ping" },
      ],
    },
    {
      unit: "so-yte",
      name: "yt-01",
      hostname: "yte-mon",
      every: 10 * MIN,
      checks: [
        { name: "gateway", category: "lan", kind: "ping" },
        {
          name: "his",
          title: "Hệ thống thông tin bệnh viện",
          category: "shared_software",
          kind: "process",
          down: [
            {
              from: now - 50 * MIN,
              to: now + HOUR,
              reason: "not_found",
              message: "no process matches his-server",
            },
          ],
        },
        { name: "mail", title: "Thư điện tử", category: "shared_software", kind: "tcp" },
        { name: "portal", title: "Cổng thông tin Sở", category: "website", kind: "http" },
        { name: "dc-link", category: "datacenter", kind: "ping" },
      ],
    },
    {
      unit: "so-xd",
      name: "xd-01",
      hostname: "xd-mon",
      every: 15 * MIN,
      checks: twentyChecks(),
    },
    ...[
      "so-tc",
      "so-khdt",
      "so-gddt",
      "so-nv",
      "so-tp",
      "ubnd-thanh-khe",
      "ubnd-lien-chieu",
      "ubnd-cam-le",
      "ubnd-hoa-vang",
    ].map(
      (unit, i): AgentSpec => ({
        unit,
        name: "pc-01",
        hostname: `${unit}-gs`,
        every: 30 * MIN,
        checks: [
          { name: "gateway", category: "lan", kind: "ping" },
          {
            name: "portal",
            title: "Cổng thông tin",
            category: "website",
            kind: "http",
            // Each a different outage in November, so the ranking has an order.
            down: [
              {
                from: at(`2026-11-${10 + i} 08:00`),
                to: at(`2026-11-${10 + i} 08:00`) + (2 + i) * HOUR,
                reason: "status",
                message: "HTTP 503",
              },
            ],
          },
          { name: "dc-link", category: "datacenter", kind: "ping" },
        ],
      }),
    ),
  ];
}

/** Twenty checks, each down ten times for 45 minutes in November: 200 incidents. */
function twentyChecks(): CheckSpec[] {
  const categories: Category[] = [
    "lan",
    "equipment",
    "online_app",
    "shared_software",
    "website",
    "datacenter",
  ];
  return Array.from({ length: 20 }, (_, c) => ({
    name: `check-${String(c + 1).padStart(2, "0")}`,
    title: `Hạng mục kiểm tra số ${c + 1} của Sở Xây dựng`,
    category: categories[c % categories.length] as Category,
    kind: c % 2 ? "http" : "ping",
    down: Array.from({ length: 10 }, (_, k) => {
      const from = at("2026-11-02 01:00") + k * 3 * DAY + c * 60 * MIN;
      return {
        from,
        to: from + 45 * MIN,
        reason: "timeout" as const,
        message: "no answer within 10 s",
      };
    }),
  }));
}

/** The results of an agent's checks from START until it stopped (or NOW), every `every` ms. */
function resultsOf(spec: AgentSpec): CheckResult[] {
  const out: CheckResult[] = [];
  const end = spec.until ?? NOW;
  for (let ts = START; ts <= end; ts += spec.every) {
    for (const check of spec.checks) {
      const failed = check.down?.find((d) => ts >= d.from && ts < d.to);
      out.push({
        check: check.name,
        category: check.category,
        kind: check.kind,
        ts,
        up: !failed,
        duration: 0.02 + ((ts / spec.every) % 5) / 1000,
        ...(failed ? { reason: failed.reason, message: failed.message } : {}),
      });
    }
  }
  return out;
}

function hostInventory(
  memoryGiB: number,
  openssl: string,
  extra: { name: string; version: string }[],
) {
  return {
    system: { manufacturer: "Dell Inc.", model: "PowerEdge T150" },
    os: { hostname: "tttt-giamsat-01", distro: "Debian GNU/Linux", release: "12" },
    cpu: { brand: "Intel Xeon E-2314" },
    memoryBytes: memoryGiB * 2 ** 30,
    software: {
      source: "dpkg",
      total: 2 + extra.length,
      packages: [
        { name: "openssl", version: openssl },
        { name: "nginx", version: "1.22.1" },
        ...extra,
      ],
    },
  };
}

export interface City {
  store: TestStore;
  agents: Map<string, AgentIdentity>;
}

function writeAgents(
  store: TestStore,
  registry: AgentStore,
  enrolled: Map<string, AgentIdentity>,
): void {
  for (const spec of agents()) {
    const agent = store.agent(spec.unit, spec.name);
    enrolled.set(spec.unit, agent);
    registry.recordHello(
      agent.id,
      {
        hostname: spec.hostname,
        os: "Linux 6.1.0 x64",
        agentVersion: "0.1.0",
        titles: Object.fromEntries(
          spec.checks.flatMap((c) => (c.title ? [[c.name, c.title]] : [])),
        ),
      },
      START,
    );
    const results = resultsOf(spec);
    // A batch every six hours of results, as an agent catching up after a night offline sends them.
    const perBatch = Math.max(1, Math.round((6 * HOUR) / spec.every)) * spec.checks.length;
    for (let i = 0; i < results.length; i += perBatch)
      store.write(agent, results.slice(i, i + perBatch));
    // The store receives batches in order, all of them up to NOW: an agent that stopped was last
    // heard from when it sent its last results.
    if (spec.until !== undefined) {
      store.db.prepare("UPDATE agents SET last_seen = ? WHERE id = ?").run(spec.until, agent.id);
    }
  }
  // Enrolled, never connected.
  store.agent("bql-khu-cn", "bql-01");
  const pc = enrolled.get("so-tttt") as AgentIdentity;
  const labels = { check: "portal", category: "website", kind: "http" };
  store.write(
    pc,
    [],
    [
      {
        metric: METRICS.tlsExpiry.name,
        labels,
        ts: NOW - 10 * MIN,
        value: at("2026-12-20 07:00") / 1000,
      },
    ],
  );
  store.write(
    pc,
    [],
    [],
    [
      {
        check: "host",
        kind: "host",
        ts: at("2026-11-01 00:00"),
        data: hostInventory(8, "3.0.11", []),
      },
      {
        check: "core-switch",
        kind: "snmp",
        ts: at("2026-11-01 00:00"),
        data: {
          sysName: "sw-core",
          sysDescr: "Cisco IOS Software, C2960X",
          sysLocation: "Phòng máy tầng 3",
          interfaces: [
            { index: 1, name: "Gi1/0/1" },
            { index: 2, name: "Gi1/0/2" },
          ],
        },
      },
    ],
  );
  store.write(
    pc,
    [],
    [],
    [
      {
        check: "host",
        kind: "host",
        ts: at("2026-11-15 09:00"),
        data: hostInventory(16, "3.0.13", [{ name: "curl", version: "7.88.1" }]),
      },
    ],
  );
}

/** The city, written into a fresh store. */
export async function city(): Promise<City> {
  const store = testStore({
    units: UNITS,
    retention: { raw: "400d", fiveMinute: "400d" },
    reports: {
      place: "Đà Nẵng",
      authority: "UBND thành phố Đà Nẵng",
      issuer: "Văn phòng UBND thành phố",
    },
  });
  const registry = new AgentStore(store.db);
  const enrolled = new Map<string, AgentIdentity>();
  // One transaction for each stage: a commit per batch or per rollup step would be most of the
  // time taken. Rollups and incidents only: the samples stay uncompacted, which readers read the
  // same (the engine's own tests hold that), and compacting five weeks would double the time.
  store.db.transaction(() => writeAgents(store, registry, enrolled))();
  store.db.transaction(() => {
    while (store.history.rollups.step(NOW) || store.history.incidents.step(NOW)) {}
  })();

  const users = new UserStore(store.db);
  for (const [name, role, unit, leader] of [
    ["anh.lv", "unit", "so-tttt", true],
    ["bich.tt", "unit", "so-tttt", false],
    ["hung.pq", "unit", "ubnd-hai-chau", true],
    ["bcd112", "city", undefined, false],
    ["vanhanh", "operator", undefined, false],
    ["quantri", "admin", undefined, false],
  ] as const) {
    await users.add(name, role, unit, PASSWORD, START, { leader });
  }
  // Hải Châu's leader signed November off on the 2nd.
  addSignoff(
    store.db,
    "ubnd-hai-chau",
    { period: "2026-11", date: "2026-12-02", findings: "Hạ tầng hoạt động ổn định.", actions: "" },
    { account: "hung.pq", name: "Phạm Quốc Hưng", title: "Phó Chủ tịch UBND quận" },
    at("2026-12-02 15:30"),
  );
  return { store, agents: enrolled };
}
