// The optional weekly digest: due from Monday 08:00 Vietnam time for the week before; each unit's
// IT contact receives that week's incidents, once, also when the collector was down at 08:00.
import { afterEach, describe, expect, it } from "vitest";
import { dueWeek } from "../../../collector/notifications/digest.js";
import { type NotifyingStore, notifyingStore } from "../../helpers/notifications.js";
import { schedule, vn } from "../../helpers/store.js";

const MIN = 60_000;
let store: NotifyingStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

describe("the weekly digest", () => {
  it("is due from Monday 08:00 Vietnam time, for the Monday to Sunday before", () => {
    // 2026-03-09 is a Monday.
    expect(dueWeek(vn("07:59:59", "2026-03-09"))).toEqual({
      id: "2026-02-23",
      from: vn("00:00:00", "2026-02-23"),
      to: vn("00:00:00", "2026-03-02"),
    });
    expect(dueWeek(vn("08:00:00", "2026-03-09")).id).toBe("2026-03-02");
    expect(dueWeek(vn("23:00:00", "2026-03-15")).id).toBe("2026-03-02");
  });

  it("sends each contact the week's incidents once, when due or when back", async () => {
    store = notifyingStore({
      units: [
        {
          id: "so-tttt",
          name: "Sở Thông tin và Truyền thông",
          contact: { name: "Trần Văn Bình", email: "binh@example.gov.vn" },
        },
        {
          id: "quan-hai-chau",
          name: "UBND quận Hải Châu",
          contact: { name: "Hoa", email: "hoa@x.vn" },
        },
      ],
      web: { publicUrl: "https://giamsat.danang.gov.vn" },
      notifications: {
        channels: [
          { name: "mail", type: "email", smtp: { host: "127.0.0.1" }, from: "g <g@x.vn>" },
        ],
        routes: [{ channels: ["mail"], events: ["collector"] }],
        summaries: { monthly: false, weekly: true },
      },
    });
    const agent = store.agent("so-tttt", "pc-01");
    const from = vn("10:00:00", "2026-03-03");
    store.write(
      agent,
      schedule(
        "portal",
        "website",
        from,
        from + 60 * MIN,
        MIN,
        (ts) => ts >= from + 10 * MIN && ts < from + 40 * MIN,
      ),
    );
    // A second check down 10:20–10:50, overlapping the first: 40 minutes with something down.
    store.write(
      agent,
      schedule(
        "egov",
        "online_app",
        from,
        from + 60 * MIN,
        MIN,
        (ts) => ts >= from + 20 * MIN && ts < from + 50 * MIN,
      ),
    );
    await store.at(vn("07:59:00", "2026-03-09"), { watch: true });
    expect(store.queued()).toEqual([]);
    // Down at 08:00; back at 09:15: sent then.
    await store.at(vn("09:15:00", "2026-03-09"), { watch: true });
    await store.at(vn("09:16:00", "2026-03-09"), { watch: true });
    const sent = store.queued().map((m) => [m.address, m.message.kind, m.message.subject]);
    expect(sent.sort()).toEqual([
      [
        "binh@example.gov.vn",
        "weekly",
        "[giamsat] Sở Thông tin và Truyền thông: tổng hợp sự cố tuần 02/03/2026 – 08/03/2026",
      ],
      [
        "hoa@x.vn",
        "weekly",
        "[giamsat] UBND quận Hải Châu: tổng hợp sự cố tuần 02/03/2026 – 08/03/2026",
      ],
    ]);
    const text =
      store.queued().find((m) => m.address === "binh@example.gov.vn")?.message.text ?? "";
    // The agent went silent after its last batch: listed, but silence is no data, not downtime;
    // the two checks' outages overlap, so the time with something down is their union.
    expect(text).toContain("3 sự cố, tổng thời gian gián đoạn 40 phút.");
    expect(text).toContain("- pc-01, 10:59 03/03/2026 – chưa khắc phục");
    expect(text).toContain(
      "- Website: portal (pc-01), 10:10 03/03/2026 – 10:40 03/03/2026, 30 phút: không phản hồi",
    );
    expect(text).toContain("Xem chi tiết: https://giamsat.danang.gov.vn/units/so-tttt?window=7d");
    const other = store.queued().find((m) => m.address === "hoa@x.vn")?.message.text ?? "";
    expect(other).toContain("Không có sự cố nào trong tuần.");
  });
});
