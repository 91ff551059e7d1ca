// The city's units and their agents, and what each check did from 1 November 2026 to 10:00 on
// 5 December (Vietnam time): the specification test/helpers/city.ts writes into a store.
import type { Category } from "../../shared/categories.js";
import type { Reason } from "../../shared/protocol.js";

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

export interface Down {
  from: number;
  to: number;
  reason: Reason;
  message: string;
}

export interface CheckSpec {
  name: string;
  title?: string;
  category: Category;
  kind: string;
  down?: Down[];
}

export interface AgentSpec {
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

export function agents(): AgentSpec[] {
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
