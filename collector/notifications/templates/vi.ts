// Vietnamese notifications, the default.
import type { Words } from "./words.js";

/** "Tháng 11/2026" inside a sentence: "tháng 11/2026". */
const midSentence = (period: string) => period.charAt(0).toLowerCase() + period.slice(1);

export const vi: Words = {
  prefix: "[giamsat]",
  subject: {
    problems: (n) => (n === 1 ? "sự cố" : `${n} sự cố`),
    resolved: (n) => (n === 1 ? "đã khắc phục" : `đã khắc phục ${n} sự cố`),
    repeat: (n) => `vẫn còn ${n} sự cố`,
    linkDown: (n) => `mất kết nối Trung tâm tích hợp dữ liệu, ${n} kiểm tra bị ảnh hưởng`,
    linkBack: "kết nối Trung tâm tích hợp dữ liệu đã phục hồi",
    collector: "Máy chủ giám sát",
    test: "tin nhắn thử",
    summary: (p) => `báo cáo kiểm tra định kỳ ${midSentence(p)}`,
    citySummary: (p) => `Báo cáo tổng hợp toàn thành phố ${midSentence(p)}`,
  },
  open: {
    check: (s) => `${s.category}: ${s.what} không hoạt động từ ${s.since} (${s.reason}).`,
    silence: (s) => `Tác tử giám sát ${s.what} không gửi dữ liệu từ ${s.since}.`,
    link: (s) =>
      `Mất kết nối đến Trung tâm tích hợp dữ liệu từ ${s.since} (kiểm tra ${s.what}: ${s.reason}).`,
    certificate: (s, days, date) =>
      `Chứng thư số của ${s.what} hết hạn ngày ${date}, còn ${days} ngày: cần gia hạn.`,
    buffer: (s) => `Tác tử giám sát ${s.what} đang phải bỏ dữ liệu do bộ đệm đầy (từ ${s.since}).`,
    disk: (s) => `Ổ đĩa của máy chủ giám sát gần đầy: chỉ còn trống ${s.what}.`,
    remote_write: (s) => `Máy chủ giám sát đang bỏ số liệu chuyển tiếp tới ${s.what}.`,
  },
  resolved: {
    check: (s) =>
      `${s.category}: ${s.what} hoạt động trở lại lúc ${s.until} (gián đoạn ${s.lasted}).`,
    silence: (s) => `Tác tử giám sát ${s.what} gửi dữ liệu trở lại lúc ${s.until} (${s.lasted}).`,
    link: (s) =>
      `Kết nối đến Trung tâm tích hợp dữ liệu đã phục hồi lúc ${s.until} (gián đoạn ${s.lasted}).`,
    certificate: (s) => `Chứng thư số của ${s.what} đã được gia hạn.`,
    buffer: (s) => `Tác tử giám sát ${s.what} không còn phải bỏ dữ liệu.`,
    disk: () => "Ổ đĩa của máy chủ giám sát đã đủ chỗ trống.",
    remote_write: (s) => `Số liệu chuyển tiếp tới ${s.what} không còn bị bỏ.`,
  },
  repeat: (s) => `Vẫn chưa khắc phục: ${s.what} gián đoạn từ ${s.since} (${s.lasted}).`,
  affected: "Các kiểm tra bị ảnh hưởng",
  recovered: "đã phục hồi",
  stillDown: "vẫn còn lỗi",
  table: { what: "Kiểm tra", state: "Tình trạng", since: "Từ lúc", reason: "Nguyên nhân" },
  states: { open: "Gián đoạn", resolved: "Đã khắc phục", repeat: "Vẫn gián đoạn" },
  unitPage: "Xem chi tiết",
  footer: (key) =>
    `Tin nhắn tự động của hệ thống giám sát giamsat; thời gian theo giờ Việt Nam. Mã tin: ${key}`,
  testBody: (channel) =>
    `Tin nhắn thử của hệ thống giám sát giamsat qua kênh "${channel}". Nếu bạn nhận được, kênh đã sẵn sàng.`,
  weekly: {
    subject: (from, to) => `tổng hợp sự cố tuần ${from} – ${to}`,
    intro: (unit, from, to) => `Các sự cố của ${unit} trong tuần ${from} – ${to}.`,
    none: "Không có sự cố nào trong tuần.",
    count: (n, downtime) => `${n} sự cố, tổng thời gian gián đoạn ${downtime}.`,
    stillOpen: "chưa khắc phục",
  },
  summary: {
    intro: (unit, p) => `Báo cáo kiểm tra định kỳ của ${unit}, ${midSentence(p)}.`,
    cityIntro: (p, n) => `Báo cáo tổng hợp ${midSentence(p)} của ${n} đơn vị.`,
    availability: "Tỷ lệ sẵn sàng",
    coverage: "Độ phủ dữ liệu",
    incidents: "Sự cố",
    downtime: "Thời gian gián đoạn",
    findings: "Nhận xét",
    noFindings: "Không có nhận xét.",
    signedOff: (by, date) => `Đã xác nhận kiểm tra: ${by}, ngày ${date}.`,
    notSignedOff: "Chưa có xác nhận kiểm tra cho kỳ này.",
    report: "Báo cáo để in",
    attached: "Số liệu chi tiết trong tệp CSV đính kèm.",
    overall: "Toàn đơn vị",
    unit: "Đơn vị",
  },
};
