// The fleet page's words (pages/fleet.ts) and the unit page's central checks', in both languages:
// kept apart so the catalogue stays one room; its `fleet` and `central` keys are these shapes.
import type { FleetFlag } from "../../../fleet/fleet-view.js";

/** The unit page's central checks: sent by the collector to every agent of the unit. */
export interface CentralWords {
  heading: string;
  intro: string;
  fromConfig: string;
  save: string;
}

export interface FleetWords {
  heading: string;
  caption: string;
  unit: string;
  agent: string;
  host: string;
  version: string;
  uptime: string;
  lastSeen: string;
  offset: string;
  central: string;
  problems: string;
  flags: Record<FleetFlag, string>;
  states: Record<"none" | "sent" | "applied" | "refused", string>;
  dropped: (n: number) => string;
  errors: (n: number) => string;
}

export const viFleet: FleetWords = {
  heading: "Các máy giám sát",
  caption: "Mọi máy giám sát: phiên bản, máy chủ, kết nối và kiểm tra tập trung",
  unit: "Đơn vị",
  agent: "Máy giám sát",
  host: "Máy / hệ điều hành",
  version: "Phiên bản (Node.js)",
  uptime: "Chạy được",
  lastSeen: "Liên lạc lần cuối",
  offset: "Lệch đồng hồ",
  central: "Kiểm tra tập trung",
  problems: "Cần chú ý",
  flags: {
    older: "cũ hơn bộ thu",
    silent: "im lặng",
    refused: "từ chối cấu hình",
    disconnected: "mất kết nối",
  },
  states: { none: "không dùng", sent: "đã gửi", applied: "đã áp dụng", refused: "bị từ chối" },
  dropped: (n) => `${n} mẫu bị bỏ`,
  errors: (n) => `${n} lỗi kiểm tra`,
};

export const enFleet: FleetWords = {
  heading: "Agents",
  caption: "Every agent: versions, host, link and central checks",
  unit: "Unit",
  agent: "Agent",
  host: "Host / OS",
  version: "Version (Node.js)",
  uptime: "Up for",
  lastSeen: "Last heard",
  offset: "Clock offset",
  central: "Central checks",
  problems: "Needs attention",
  flags: {
    older: "older than the collector",
    silent: "silent",
    refused: "refused its checks",
    disconnected: "disconnected",
  },
  states: { none: "not used", sent: "sent", applied: "applied", refused: "refused" },
  dropped: (n) => `${n} samples dropped`,
  errors: (n) => `${n} check errors`,
};
