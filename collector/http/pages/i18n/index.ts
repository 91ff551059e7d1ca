// Picks the language of a request (?lang=en, Vietnamese by default) and formats dates, numbers and
// durations the way that language writes them, in Vietnam's time zone.
import { VIETNAM_OFFSET_MS } from "../../../../shared/api-query.js";
import type { Catalogue } from "./catalogue.js";
import { en } from "./en.js";
import { vi } from "./vi.js";

export type { Catalogue, Kind, Status } from "./catalogue.js";
export { KINDS } from "./catalogue.js";
export const LANGUAGES = { vi, en } as const;
export type Lang = keyof typeof LANGUAGES;
/** Reports and pages count days in Vietnam's time zone (UTC+7, no daylight saving). */
export const TIME_ZONE = "Asia/Ho_Chi_Minh";

export function langOf(url: URL): Lang {
  return url.searchParams.get("lang") === "en" ? "en" : "vi";
}

export class Formatter {
  static readonly #made = new Map<Lang, Formatter>();

  /** One per language: Intl formatters are slow to make and hold no state between uses. */
  static of(lang: Lang): Formatter {
    let made = Formatter.#made.get(lang);
    if (!made) {
      made = new Formatter(lang);
      Formatter.#made.set(lang, made);
    }
    return made;
  }

  readonly t: Catalogue;
  readonly #date: Intl.DateTimeFormat;
  readonly #dateTime: Intl.DateTimeFormat;
  readonly #seconds: Intl.DateTimeFormat;
  readonly #time: Intl.DateTimeFormat;
  readonly #percent: Intl.NumberFormat;
  readonly #number: Intl.NumberFormat;

  constructor(readonly lang: Lang) {
    this.t = LANGUAGES[lang];
    const locale = this.t.locale;
    const day = { timeZone: TIME_ZONE, day: "2-digit", month: "2-digit", year: "numeric" } as const;
    this.#date = new Intl.DateTimeFormat(locale, day);
    this.#dateTime = new Intl.DateTimeFormat(locale, {
      ...day,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    this.#seconds = new Intl.DateTimeFormat(locale, {
      ...day,
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    this.#time = new Intl.DateTimeFormat(locale, {
      timeZone: TIME_ZONE,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    this.#percent = new Intl.NumberFormat(locale, {
      style: "percent",
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    this.#number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  }

  date(ms: number): string {
    return this.#date.format(ms);
  }

  dateTime(ms: number | null | undefined): string {
    return ms === null || ms === undefined ? "—" : this.#dateTime.format(ms);
  }

  /** A time to the second, as the audit log keeps it. */
  dateTimeSeconds(ms: number): string {
    return this.#seconds.format(ms);
  }

  /** The time of day, e.g. 07:30. */
  time(ms: number): string {
    return this.#time.format(ms);
  }

  /** The day, month and year of `ms` in Vietnam, two digits for day and month: a document's date. */
  dayParts(ms: number): { day: string; month: string; year: string } {
    const [year = "", month = "", day = ""] = new Date(ms + VIETNAM_OFFSET_MS)
      .toISOString()
      .slice(0, 10)
      .split("-");
    return { day, month, year };
  }

  /** A period as people write it: "Tháng 11/2026", "Quý IV/2026", "Năm 2026" / "November 2026". */
  period(period: { id: string; kind: "month" | "quarter" | "year" }): string {
    const year = Number(period.id.slice(0, 4));
    if (period.kind === "month") return this.t.period.month(Number(period.id.slice(5)), year);
    if (period.kind === "quarter") return this.t.period.quarter(period.id.slice(6), year);
    return this.t.period.year(year);
  }

  /** Bytes in GiB or MiB, as a machine's memory is spoken of. */
  bytes(bytes: number): string {
    const gib = bytes / 2 ** 30;
    if (gib >= 1) return `${this.number(Math.round(gib * 10) / 10)} GiB`;
    return `${this.number(Math.round(bytes / 2 ** 20))} MiB`;
  }

  /** 0.99512 → "99,51 %" (vi) or "99.51%" (en); undefined → "—". */
  percent(ratio: number | null | undefined): string {
    return ratio === null || ratio === undefined || Number.isNaN(ratio)
      ? "—"
      : this.#percent.format(ratio);
  }

  number(value: number): string {
    return this.#number.format(value);
  }

  /** "lan" → "Mạng nội bộ" / its English name; a code no longer known as itself. */
  category(code: string): string {
    return (this.t.categories as Record<string, string>)[code] ?? code;
  }

  /** 5400000 → "1 giờ 30 phút" / "1 h 30 min". */
  duration(ms: number): string {
    if (ms <= 0) return this.lang === "vi" ? "0 phút" : "0 min";
    const minutes = Math.round(ms / 60_000);
    const [d, h, m] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60), minutes % 60];
    const units = this.lang === "vi" ? ["ngày", "giờ", "phút"] : ["d", "h", "min"];
    const parts = [d, h, m].map((n, i) => (n ? `${n} ${units[i]}` : "")).filter(Boolean);
    return parts.length ? parts.join(" ") : this.lang === "vi" ? "dưới 1 phút" : "under 1 min";
  }
}
