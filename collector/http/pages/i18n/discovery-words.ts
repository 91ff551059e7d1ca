// The unit page's discovery section (pages/discovery-section.ts) in both languages: what the last
// run of the unit's LAN found and what a person decided about each device.
import type { DeviceType } from "../../../../shared/discovery.js";

export interface DiscoveryWords {
  heading: string;
  intro: string;
  start: string;
  /** The last run: its state, when it started, and when it ended or how far it got. */
  states: Record<"running" | "done" | "failed", string>;
  never: string;
  run: (state: string, started: string) => string;
  finished: (at: string) => string;
  progress: (swept: number, total: number) => string;
  networks: string;
  /** The next run of the unit's schedule, and one due while no agent of the unit was connected. */
  next: (at: string) => string;
  waiting: (due: string) => string;
  caption: string;
  noDevices: string;
  address: string;
  name: string;
  type: string;
  status: string;
  decision: string;
  checks: string;
  dependsOn: string;
  actions: string;
  types: Record<DeviceType, string>;
  statuses: Record<"new" | "changed" | "seen" | "gone", string>;
  decisions: Record<"approved" | "ignored" | "undecided", string>;
  approve: string;
  ignore: string;
  /** The devices found on the LAN among the unit's equipment (pages/inventory.ts). */
  inventory: {
    heading: string;
    caption: string;
    none: string;
    model: string;
    firstSeen: string;
    lastSeen: string;
  };
}

export const viDiscovery: DiscoveryWords = {
  heading: "Thiết bị phát hiện trên mạng LAN",
  intro:
    "Máy giám sát của đơn vị dò tìm các mạng của đơn vị khai trong collector.yaml. Phê duyệt một thiết bị để các kiểm tra đề xuất thành kiểm tra tập trung của đơn vị; thiết bị bị bỏ qua vẫn bị bỏ qua ở các lần dò sau.",
  start: "Dò tìm",
  states: { running: "đang dò tìm", done: "đã xong", failed: "thất bại" },
  never: "Chưa dò tìm lần nào.",
  run: (state, started) => `Lần dò tìm gần nhất: ${state}, bắt đầu ${started}`,
  finished: (at) => `kết thúc ${at}`,
  progress: (swept, total) => `đã dò ${swept}/${total} địa chỉ`,
  networks: "Mạng",
  next: (at) => `Lần dò tìm theo lịch tiếp theo: ${at}`,
  waiting: (due) =>
    `Lần dò tìm theo lịch lúc ${due} đang chờ máy giám sát của đơn vị kết nối lại để bắt đầu`,
  caption: "Các thiết bị dò tìm được và các kiểm tra đề xuất",
  noDevices: "Chưa phát hiện thiết bị nào.",
  address: "Địa chỉ",
  name: "Tên",
  type: "Loại",
  status: "Tình trạng",
  decision: "Quyết định",
  checks: "Kiểm tra đề xuất",
  dependsOn: "Phụ thuộc vào",
  actions: "Thao tác",
  types: {
    switch: "Bộ chuyển mạch (switch)",
    router: "Bộ định tuyến (router)",
    printer: "Máy in",
    ups: "Bộ lưu điện (UPS)",
    host: "Máy chủ, máy trạm",
  },
  statuses: { new: "mới", changed: "đã thay đổi", seen: "như lần trước", gone: "không còn thấy" },
  decisions: { approved: "đã phê duyệt", ignored: "đã bỏ qua", undecided: "chưa quyết định" },
  approve: "Phê duyệt",
  ignore: "Bỏ qua",
  inventory: {
    heading: "Thiết bị trên mạng LAN (do dò tìm phát hiện)",
    caption: "Các thiết bị dò tìm được trên mạng LAN của đơn vị, lần đầu và lần cuối thấy",
    none: "Chưa có lần dò tìm nào tìm thấy thiết bị trên mạng LAN của đơn vị.",
    model: "Kiểu máy, số sê-ri",
    firstSeen: "Thấy lần đầu",
    lastSeen: "Thấy lần cuối",
  },
};

export const enDiscovery: DiscoveryWords = {
  heading: "Devices found on the LAN",
  intro:
    "The unit's agent searches the networks listed for the unit in collector.yaml. Approving a device makes its proposed checks the unit's central checks; an ignored device stays ignored in later runs.",
  start: "Discover",
  states: { running: "running", done: "done", failed: "failed" },
  never: "No discovery has run yet.",
  run: (state, started) => `Last discovery: ${state}, started ${started}`,
  finished: (at) => `ended ${at}`,
  progress: (swept, total) => `${swept} of ${total} addresses searched`,
  networks: "Networks",
  next: (at) => `Next scheduled discovery: ${at}`,
  waiting: (due) =>
    `The scheduled discovery due ${due} starts as soon as the unit's agent connects again`,
  caption: "Devices found and the checks proposed for them",
  noDevices: "No devices found yet.",
  address: "Address",
  name: "Name",
  type: "Type",
  status: "Status",
  decision: "Decision",
  checks: "Proposed checks",
  dependsOn: "Depends on",
  actions: "Actions",
  types: {
    switch: "Switch",
    router: "Router",
    printer: "Printer",
    ups: "UPS",
    host: "Server or workstation",
  },
  statuses: { new: "new", changed: "changed", seen: "as before", gone: "gone" },
  decisions: { approved: "approved", ignored: "ignored", undecided: "not decided" },
  approve: "Approve",
  ignore: "Ignore",
  inventory: {
    heading: "Devices on the LAN (found by discovery)",
    caption: "Devices discovery found on the unit's LAN, first and last seen",
    none: "No discovery run has found devices on the unit's LAN yet.",
    model: "Model, serial",
    firstSeen: "First seen",
    lastSeen: "Last seen",
  },
};
