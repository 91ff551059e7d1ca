// Vietnamese strings of the documents and forms: the printed report in the administrative
// format, sign-off, findings, the CSV export, error pages, login and the audit log.
import type { DocumentStrings } from "./catalogue.js";

export const viDocuments: DocumentStrings = {
  report: {
    heading: "Báo cáo kiểm tra định kỳ",
    kind: "BÁO CÁO",
    title: (period) => `Kết quả kiểm tra hạ tầng công nghệ thông tin ${period}`,
    cityTitle: (period) =>
      `Tổng hợp kết quả kiểm tra hạ tầng công nghệ thông tin của các cơ quan, đơn vị ${period}`,
    number: "Số:          /BC",
    dated: (place, day, month, year) =>
      `${place ? `${place}, ngày` : "Ngày"} ${day} tháng ${month} năm ${year}`,
    nation: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    motto: "Độc lập - Tự do - Hạnh phúc",
    intro: (unit, period, from, to) =>
      `Căn cứ số liệu của hệ thống giám sát hạ tầng công nghệ thông tin, ${unit} báo cáo kết quả ` +
      `kiểm tra ${period} (từ ngày ${from} đến ngày ${to}) như sau:`,
    cityIntro: (units, period, from, to) =>
      `Căn cứ số liệu của hệ thống giám sát, kết quả kiểm tra hạ tầng công nghệ thông tin của ` +
      `${units} cơ quan, đơn vị ${period} (từ ngày ${from} đến ngày ${to}) như sau:`,
    overallHeading: "1. Kết quả chung",
    overall: (availability, target, coverage) =>
      `Tỷ lệ sẵn sàng của hạ tầng: ${availability} (mục tiêu ${target}); độ phủ dữ liệu: ${coverage}.`,
    disruptedLine: (time, incidents, open) =>
      `Thời gian có hạng mục gián đoạn: ${time}; ${incidents} sự cố` +
      (open > 0 ? `, trong đó ${open} sự cố chưa khắc phục.` : "."),
    categoriesHeading: "2. Kết quả theo nội dung kiểm tra",
    category: "Nội dung kiểm tra",
    disrupted: "Thời gian gián đoạn",
    incidentsCol: "Sự cố",
    assessment: "Đánh giá",
    met: "Đạt",
    failing: (n, of) => `Chưa đạt ${n}/${of} nội dung`,
    notMet: "Không đạt",
    noChecks: "Chưa có hạng mục",
    noData: "Không có số liệu",
    lowCoverage: "Thiếu số liệu",
    findingsHeading: "3. Nhận xét",
    moreFindings: (n) => `và ${n} nhận xét khác (xem trên hệ thống).`,
    longest: "Sự cố kéo dài nhất",
    moreIncidents: (n) => `và ${n} sự cố khác (danh sách đầy đủ trên trang của đơn vị).`,
    truncated: (n) => `Các số liệu về sự cố tính trên ${n} sự cố gần nhất.`,
    worstChecks: "Hạng mục gián đoạn lâu nhất",
    shortfall: (n, of, target, names) =>
      `${n}/${of} nội dung kiểm tra chưa đạt yêu cầu (sẵn sàng ${target}, đủ số liệu): ${names}.`,
    moreChecks: (n) => `và ${n} hạng mục khác`,
    signoffsHeading: "4. Xác nhận kiểm tra của lãnh đạo",
    signoffLine: (date, who, account, at) =>
      `Ngày kiểm tra ${date}: ${who} (tài khoản ${account}) ký xác nhận lúc ${at}.`,
    moreSignoffs: (n) => `và ${n} lần xác nhận khác (xem trên hệ thống).`,
    notSigned: "Lãnh đạo đơn vị chưa ký xác nhận kỳ này.",
    recipients: "Nơi nhận:",
    defaultRecipients: [
      "Ban Chỉ đạo 112 thành phố (để báo cáo);",
      "Trung tâm tích hợp dữ liệu thành phố;",
      "Lưu: VT.",
    ],
    signature: "THỦ TRƯỞNG ĐƠN VỊ",
    generated: (when) => `Lập từ hệ thống giám sát lúc ${when}.`,
    untilNow: (when) => `Kỳ chưa kết thúc: số liệu tính đến ${when}.`,
    definitions:
      "Tỷ lệ sẵn sàng: thời gian hoạt động chia cho thời gian có số liệu. Thời gian gián đoạn: " +
      "thời gian có ít nhất một hạng mục đang gặp sự cố, không cộng dồn giữa các hạng mục.",
    print: "In báo cáo",
    printHint:
      "Bản để in: bấm Ctrl+P (trên máy Mac: ⌘P), chọn khổ giấy A4 và bỏ chọn “Đầu trang và chân trang” của trình duyệt.",
    back: "Trở lại trang báo cáo",
    exportCsv: "Tải bảng số liệu (CSV)",
    ranking: "Xếp hạng các đơn vị theo tỷ lệ sẵn sàng",
    rank: "TT",
    overallCol: "Sẵn sàng",
    signedCol: "Lãnh đạo đã ký",
    unitReport: "Báo cáo của đơn vị",
    planned: "Bảo trì theo kế hoạch",
    outsidePlanned: (d) => `ngoài ${d} bảo trì theo kế hoạch`,
    plannedCount: (n) => `${n} lần`,
    reason: "Lý do",
  },
  signoff: {
    heading: "Xác nhận kiểm tra",
    history: "Các lần xác nhận",
    none: "Chưa có lần xác nhận nào.",
    period: "Kỳ kiểm tra",
    date: "Ngày kiểm tra",
    findings: "Nhận xét của lãnh đạo",
    actions: "Biện pháp khắc phục (nếu có)",
    statement: (unit) =>
      `Bằng việc ký xác nhận, tôi — lãnh đạo phụ trách công nghệ thông tin của ${unit} — xác nhận ` +
      "đã xem xét kết quả giám sát hạ tầng công nghệ thông tin của đơn vị trong kỳ đã chọn và chịu " +
      "trách nhiệm về nhận xét, biện pháp khắc phục ghi dưới đây. Bản xác nhận được lưu kèm tài " +
      "khoản và thời điểm ký, không sửa, không xóa được; nếu cần đính chính, ký một bản xác nhận mới.",
    confirm: "Tôi đã đọc và xác nhận nội dung trên.",
    submit: "Ký xác nhận",
    signedBy: "Người ký",
    recordedAt: "Thời điểm ký",
    saved: (period, at) => `Đã lưu xác nhận kiểm tra ${period} lúc ${at}.`,
    notAllowed:
      "Chỉ lãnh đạo phụ trách công nghệ thông tin của đơn vị (tài khoản được đánh dấu là lãnh đạo) " +
      "mới ký xác nhận được; các tài khoản khác xem được các lần xác nhận.",
    problems: {
      period_invalid: "Kỳ kiểm tra không hợp lệ.",
      period_not_over: "Kỳ này chưa kết thúc: chỉ ký xác nhận kỳ đã qua.",
      date_invalid: "Ngày kiểm tra không hợp lệ.",
      date_before_period: "Ngày kiểm tra phải từ ngày đầu của kỳ trở đi.",
      date_future: "Ngày kiểm tra không được ở tương lai.",
      findings_missing: "Cần ghi nhận xét.",
      text_too_long: "Nhận xét và biện pháp khắc phục mỗi phần tối đa 4.000 ký tự.",
      form_invalid: "Biểu mẫu không đúng; xin tải lại trang và nhập lại.",
      not_confirmed: "Cần đánh dấu ô xác nhận trước khi ký.",
    },
    fix: "Chưa lưu bản xác nhận:",
  },
  findings: {
    no_checks: () => "Chưa có hạng mục kiểm tra nào.",
    no_data: () => "Không nhận được số liệu trong kỳ.",
    low_coverage: (f, n) =>
      `Số liệu chỉ phủ ${f.percent(n("coverage"))} thời gian ` +
      `(mục tiêu ${f.percent(n("target"))}); kết quả chưa đủ tin cậy.`,
    low_availability: (f, n) =>
      `Tỷ lệ sẵn sàng ${f.percent(n("availability"))}, dưới mục tiêu ${f.percent(n("target"))}; ` +
      `có hạng mục gián đoạn trong ${f.duration(n("disruptedMs"))}.`,
    all_up: (f, n) => `Hoạt động ổn định suốt kỳ (${f.percent(n("availability"))}).`,
    available: (f, n) => `Đạt mục tiêu sẵn sàng (${f.percent(n("availability"))}).`,
    open_incidents: (_f, n) => `Còn ${n("count")} sự cố chưa khắc phục.`,
    incidents: (f, n) =>
      `${n("count")} sự cố; thời gian có hạng mục gián đoạn ${f.duration(n("disruptedMs"))}, ` +
      `sự cố dài nhất ${f.duration(n("longestMs"))}.`,
    unreachable_because_of_parent: (f, n, text) =>
      `Không truy cập được trong ${f.duration(n("unreachableMs"))} do ` +
      `${text("parent") || "hạng mục khác"}` +
      `${text("parentCategory") ? ` (${f.category(text("parentCategory"))})` : ""} gặp sự cố` +
      `${n("others") > 0 ? ` và ${n("others")} hạng mục khác` : ""}; ` +
      "thời gian này không tính vào tỷ lệ sẵn sàng của nhóm này mà tính cho nhóm gây ra sự cố.",
    caused_unreachable: (f, n) =>
      `Sự cố của nhóm này làm các hạng mục phụ thuộc không truy cập được ` +
      `tổng cộng ${f.duration(n("unreachableMs"))}.`,
    certificate_expired: (f, n, text) =>
      `Chứng thư số của ${text("title") || text("check")} đã hết hạn ngày ${f.date(n("notAfter"))}.`,
    certificate_expiring: (f, n, text) =>
      `Chứng thư số của ${text("title") || text("check")} hết hạn sau ${n("daysLeft")} ngày ` +
      `(${f.date(n("notAfter"))}).`,
    inventory_changed: (_f, n) => `${n("count")} thay đổi về trang thiết bị trong kỳ.`,
    agent_silent: (f, n) =>
      `Máy giám sát mất liên lạc ${n("count")} lần, tổng cộng ${f.duration(n("silentMs"))}: ` +
      "không có số liệu trong thời gian này.",
    agent_data_lost: (f, n, text) =>
      (n("corruptFiles") > 0
        ? `Bộ đệm của máy giám sát ${text("agents")} bị hỏng ${n("corruptFiles")} lần; `
        : `Bộ đệm của máy giám sát ${text("agents")} bị đầy hoặc không ghi được; `) +
      `khoảng ${f.number(n("samples"))} số liệu chưa gửi đã bị mất, nên số liệu trong kỳ thiếu một phần.`,
    no_agent: (_f, n) =>
      n("enrolled") > 0
        ? "Đã cấp mã nhưng máy giám sát chưa kết nối: đơn vị chưa được giám sát."
        : "Chưa cài đặt máy giám sát: đơn vị chưa được giám sát, không có số liệu để đánh giá.",
    ups_on_battery: (f, n, text) =>
      `Bộ lưu điện ${text("checks")} phải chạy bằng pin khoảng ${f.duration(n("onBatteryMs"))} ` +
      "trong kỳ: điện lưới bị mất hoặc chập chờn.",
    supply_low: (_f, n, text) =>
      `Vật tư máy in còn dưới ${Math.round(n("below") * 100)}%, cần thay sớm: ${text("supplies")}.`,
    lan_devices: (_f, n) =>
      `Mạng LAN có ${n("appeared")} thiết bị mới trong kỳ, ${n("gone")} thiết bị không còn thấy ` +
      "(theo các lần dò tìm thiết bị).",
    mostly_planned: (f, n) =>
      `Bảo trì theo kế hoạch chiếm ${f.percent(n("share"))} kỳ báo cáo (${f.duration(n("plannedMs"))}): ` +
      "tỷ lệ sẵn sàng chỉ phản ánh phần thời gian còn lại.",
  },
  csv: {
    unit: "Đơn vị",
    period: "Kỳ",
    category: "Nội dung kiểm tra",
    checks: "Số hạng mục",
    availability: "Tỷ lệ sẵn sàng (%)",
    coverage: "Độ phủ dữ liệu (%)",
    disrupted: "Thời gian có hạng mục gián đoạn (phút)",
    incidents: "Số sự cố",
    open: "Sự cố chưa khắc phục",
    findings: "Nhận xét",
    all: "Toàn đơn vị",
    planned: "Bảo trì theo kế hoạch (phút)",
    unreachable: "Không truy cập được do hạng mục khác gặp sự cố (phút)",
    causedUnreachable: "Làm hạng mục phụ thuộc không truy cập được (phút)",
  },
  errors: {
    titles: {
      400: "Yêu cầu không hợp lệ",
      403: "Không có quyền truy cập",
      404: "Không tìm thấy trang",
      405: "Thao tác không được hỗ trợ",
      429: "Quá nhiều yêu cầu",
      500: "Hệ thống gặp lỗi",
      503: "Hệ thống đang bận",
    },
    explain: {
      400: "Địa chỉ trang hoặc dữ liệu gửi lên chưa đúng; chi tiết ở bên dưới.",
      403: "Tài khoản của bạn không được xem hoặc thực hiện nội dung này. Nếu cần, xin liên hệ quản trị hệ thống.",
      404: "Trang này không tồn tại, hoặc đơn vị không có trong cấu hình.",
      405: "Trang này không nhận thao tác vừa gửi.",
      429: "Có quá nhiều yêu cầu trong thời gian ngắn; xin thử lại sau ít phút.",
      500: "Đã có lỗi khi tạo trang này. Xin thử lại sau ít phút; nếu vẫn lỗi, xin báo cán bộ vận hành.",
      503: "Hệ thống đang bận; xin thử lại sau ít giây.",
    },
    home: "Về trang tổng quan",
    back: "Quay lại trang trước",
  },
  auth: {
    off: "Không cần đăng nhập (web.auth: false): bộ thu chỉ nhận truy cập từ chính máy này.",
    login: "Đăng nhập",
    logout: "Đăng xuất",
    name: "Tên đăng nhập",
    password: "Mật khẩu",
    failed: "Sai tên đăng nhập hoặc mật khẩu.",
    throttled: (seconds) => `Đăng nhập sai quá nhiều lần: xin thử lại sau ${seconds} giây.`,
  },
  audit: {
    heading: "Nhật ký thao tác",
    caption: "Các thao tác, mới nhất trước; giờ Việt Nam",
    when: "Thời điểm",
    who: "Người thực hiện",
    what: "Thao tác",
    unit: "Đơn vị",
    target: "Máy giám sát hoặc người dùng",
    detail: "Chi tiết",
    older: "Cũ hơn ›",
    actions: {
      enroll: "Cấp mã cho máy giám sát",
      revoke: "Thu hồi mã máy giám sát",
      rotate: "Đổi mã máy giám sát",
      signoff: "Ký xác nhận kiểm tra",
      "user.add": "Thêm người dùng",
      "user.remove": "Xóa người dùng",
      "user.password": "Đổi mật khẩu",
      "code.create": "Tạo mã đăng ký máy giám sát",
      "code.revoke": "Thu hồi mã đăng ký máy giám sát",
      notify: "Gửi thông báo",
      "notify.test": "Gửi thông báo thử",
      "maintenance.create": "Khai báo bảo trì theo kế hoạch",
      "central.update": "Sửa cấu hình kiểm tra tập trung",
      "maintenance.end": "Kết thúc sớm bảo trì theo kế hoạch",
      "discovery.start": "Dò tìm thiết bị trên mạng của đơn vị",
      "discovery.refused": "Từ chối dò tìm một mạng không thuộc đơn vị",
      "discovery.decide": "Phê duyệt hoặc bỏ qua một thiết bị dò tìm được",
      upgrade: "Máy giám sát được mời nâng cấp, hoặc báo một bước nâng cấp",
    },
  },
};
