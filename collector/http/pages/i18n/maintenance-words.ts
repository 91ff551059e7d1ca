// The words of the unit page's maintenance forms (declare a window, end one early), in both
// languages: what each field asks for, and what to fix when the collector refuses what was sent.

/** The fields of a window the collector may name in a refusal (api/maintenance.ts). */
export const WINDOW_FIELDS = [
  "reason",
  "every",
  "from",
  "to",
  "at",
  "duration",
  "days",
  "day",
  "categories",
] as const;
export type WindowField = (typeof WINDOW_FIELDS)[number];

export interface MaintenanceFormWords {
  declare: string;
  reason: string;
  every: string;
  once: string;
  from: string;
  to: string;
  at: string;
  duration: string;
  durationHint: string;
  days: string;
  /** Monday first, as calendars in Vietnam are; keys as the API writes them. */
  dayNames: Record<"mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun", string>;
  day: string;
  categories: string;
  categoriesHint: string;
  submit: string;
  end: string;
  /** Above the form sent back: it was not saved. */
  refused: string;
  /** What to fix, by the field the collector named. */
  problems: Record<WindowField | "other", string>;
}

export const viMaintenanceForm: MaintenanceFormWords = {
  declare: "Khai báo khung bảo trì",
  reason: "Lý do (hiện trong báo cáo)",
  every: "Lặp lại",
  once: "Một lần",
  from: "Bắt đầu (giờ Việt Nam)",
  to: "Kết thúc (giờ Việt Nam)",
  at: "Giờ bắt đầu",
  duration: "Thời lượng",
  durationHint: "ví dụ 4h, 90m",
  days: "Các ngày trong tuần",
  dayNames: { mon: "T2", tue: "T3", wed: "T4", thu: "T5", fri: "T6", sat: "T7", sun: "CN" },
  day: "Ngày trong tháng",
  categories: "Chỉ các nhóm kiểm tra",
  categoriesHint: "không chọn nhóm nào: cả đơn vị",
  submit: "Khai báo",
  end: "Kết thúc ngay",
  refused: "Chưa lưu khung bảo trì.",
  problems: {
    reason: "Hãy ghi lý do bảo trì: lãnh đạo đọc lý do này trong báo cáo.",
    every: "Chọn bảo trì một lần, hằng ngày, hằng tuần hoặc hằng tháng.",
    from:
      "Kiểm tra ô Bắt đầu: ghi ngày và giờ, không sớm hơn 5 phút trước; " +
      "bảo trì một lần cần cả Bắt đầu và Kết thúc.",
    to:
      "Kiểm tra ô Kết thúc: phải sau Bắt đầu, chưa qua, và khung bảo trì " +
      "dài không quá một năm.",
    at: "Kiểm tra ô Giờ bắt đầu: bảo trì định kỳ cần giờ bắt đầu, ví dụ 22:00.",
    duration:
      "Kiểm tra ô Thời lượng: ghi ví dụ 4h hoặc 90m, không dài hơn chu kỳ lặp lại " +
      "(1 ngày, 7 ngày, 28 ngày).",
    days: "Bảo trì hằng tuần cần chọn ít nhất một ngày trong tuần.",
    day: "Bảo trì hằng tháng cần ngày trong tháng, từ 1 đến 31.",
    categories: "Kiểm tra các nhóm kiểm tra đã chọn.",
    other: "Khung bảo trì chưa hợp lệ; xem chi tiết bên dưới.",
  },
};

export const enMaintenanceForm: MaintenanceFormWords = {
  declare: "Declare a maintenance window",
  reason: "Reason (shown in the reports)",
  every: "Repeats",
  once: "Once",
  from: "Starts (Vietnam time)",
  to: "Ends (Vietnam time)",
  at: "Start time",
  duration: "Duration",
  durationHint: "e.g. 4h, 90m",
  days: "Days of the week",
  dayNames: { mon: "Mon", tue: "Tue", wed: "Wed", thu: "Thu", fri: "Fri", sat: "Sat", sun: "Sun" },
  day: "Day of the month",
  categories: "Only these categories",
  categoriesHint: "none chosen: the whole unit",
  submit: "Declare",
  end: "End now",
  refused: "The maintenance window was not saved.",
  problems: {
    reason: "Say why: leaders read the reason in the reports.",
    every: "Choose once, every day, every week or every month.",
    from:
      "Check Starts: a date and time, no earlier than 5 minutes ago; " +
      "a one-off window needs both Starts and Ends.",
    to: "Check Ends: after Starts, not yet past, and a window lasts at most a year.",
    at: "Check Start time: a recurring window needs one, such as 22:00.",
    duration:
      "Check Duration: write e.g. 4h or 90m, no longer than what it repeats over " +
      "(1 day, 7 days, 28 days).",
    days: "A weekly window needs at least one day of the week.",
    day: "A monthly window needs a day of the month, from 1 to 31.",
    categories: "Check the categories chosen.",
    other: "The window is not valid; see the details below.",
  },
};
