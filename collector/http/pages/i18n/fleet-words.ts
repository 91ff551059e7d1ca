// The fleet page's words (pages/fleet.ts) and the unit page's central checks', in both languages:
// kept apart so the catalogue stays one room; its `fleet` and `central` keys are these shapes.
import type { FleetFlag } from "../../../fleet/fleet-view.js";
import type { UpgradeStep } from "../../../fleet/upgrade-desk.js";

/** The unit page's central checks: sent by the collector to every agent of the unit. */
export interface CentralWords {
  heading: string;
  intro: string;
  fromConfig: string;
  save: string;
  /** Above the agents' forms: each agent's own checks, run besides the unit's. */
  agentsIntro: string;
  agentHeading: (agent: string) => string;
  /** Above the stored checks the rules refuse: the agents refuse the whole set until they change. */
  refused: string;
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
  /** The buffer column: samples waiting for the collector, as the agent last reported them. */
  buffer: string;
  waiting: (n: number) => string;
  central: string;
  problems: string;
  flags: Record<FleetFlag, string>;
  states: Record<"none" | "sent" | "applied" | "refused", string>;
  /** "3 checks, 1 its own": of an agent's central checks, those not its unit's. */
  checkCount: (checks: number, own: number) => string;
  dropped: (n: number) => string;
  errors: (n: number) => string;
  upgrade: string;
  /** "0.2.0: rolled back" — the target, the last step the agent reported. */
  upgradeSteps: Record<UpgradeStep, string>;
  target: (version: string) => string;
  packages: string;
  packagesCaption: string;
  packageFile: string;
  packageState: string;
  offered: string;
  invalid: (problem: string) => string;
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
  buffer: "Bộ đệm",
  waiting: (n) => `${n.toLocaleString("vi-VN")} mẫu chờ gửi`,
  central: "Kiểm tra tập trung",
  problems: "Cần chú ý",
  flags: {
    older: "cũ hơn bộ thu",
    silent: "im lặng",
    refused: "từ chối cấu hình",
    disconnected: "mất kết nối",
    upgrade_failed: "nâng cấp không thành",
  },
  states: { none: "không dùng", sent: "đã gửi", applied: "đã áp dụng", refused: "bị từ chối" },
  checkCount: (checks, own) => `${checks} kiểm tra, ${own} của riêng máy này`,
  dropped: (n) => `${n} mẫu bị bỏ`,
  errors: (n) => `${n} lỗi kiểm tra`,
  upgrade: "Nâng cấp",
  upgradeSteps: {
    offered: "đã mời",
    downloading: "đang tải",
    verified: "đã kiểm chữ ký",
    refused: "từ chối",
    installing: "đang cài",
    restarted: "đã khởi động lại",
    confirmed: "đã xác nhận",
    rolled_back: "đã quay lại bản cũ",
  },
  target: (version) => `đích ${version}`,
  packages: "Gói cài đặt máy giám sát",
  packagesCaption: "Các gói trong thư mục upgrades.folder: gói hợp lệ được mời, gói lỗi thì không",
  packageFile: "Tệp",
  packageState: "Tình trạng",
  offered: "hợp lệ, được mời",
  invalid: (problem) => `không hợp lệ: ${problem}`,
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
  buffer: "Buffer",
  waiting: (n) => `${n.toLocaleString("en-GB")} samples waiting`,
  central: "Central checks",
  problems: "Needs attention",
  flags: {
    older: "older than the collector",
    silent: "silent",
    refused: "refused its checks",
    disconnected: "disconnected",
    upgrade_failed: "upgrade failed",
  },
  states: { none: "not used", sent: "sent", applied: "applied", refused: "refused" },
  checkCount: (checks, own) => `${checks} checks, ${own} its own`,
  dropped: (n) => `${n} samples dropped`,
  errors: (n) => `${n} check errors`,
  upgrade: "Upgrade",
  upgradeSteps: {
    offered: "offered",
    downloading: "downloading",
    verified: "verified",
    refused: "refused",
    installing: "installing",
    restarted: "restarted",
    confirmed: "confirmed",
    rolled_back: "rolled back",
  },
  target: (version) => `target ${version}`,
  packages: "Agent packages",
  packagesCaption: "The packages of upgrades.folder: valid ones are offered, invalid ones are not",
  packageFile: "File",
  packageState: "State",
  offered: "valid, offered",
  invalid: (problem) => `invalid: ${problem}`,
};
