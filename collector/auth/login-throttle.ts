// How fast passwords may be tried, against guessing from one address and from many
// (https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html, "Protect
// against automated attacks"):
// - an address's attempts take from its budget (limits.loginFailuresPerMinute) when they start,
//   so a burst is counted before its passwords are checked; a login that succeeds gives back;
// - at most two attempts of one address wait for or take the password check at once, so one
//   address's burst cannot fill the queue everyone's logins wait in;
// - after five wrong passwords in a row, an account takes one try per delay, from any address,
//   the delay doubling from 1 s up to 15 minutes. That must not lock the real user out: a browser
//   that logged in to the account before skips the delay (device cookies, devices.ts), and once a
//   delay has passed anyone gets a try.
import { type AddressLimiter, addressKey } from "./rate-limit.js";

const FREE_FAILURES = 5;
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 15 * 60_000;
/** An account's failures older than this are forgotten. */
const FORGET_MS = 24 * 3_600_000;
const IN_FLIGHT_PER_ADDRESS = 2;
const MAX_ACCOUNTS = 10_000;

export type Refusal = "address" | "account" | "busy";

export type Admission =
  | { admitted: true; key: string }
  | { admitted: false; refusal: Refusal; retryAfterMs: number };

interface AccountState {
  failures: number;
  lastFailure: number;
  /** No try before this, except from a known browser. */
  until: number;
  /** When a refusal was last logged: at most once a minute per account. */
  reportedAt?: number;
}

/** How a password check begun with `begin` ended; "not_checked": it never ran (e.g. 503). */
export type LoginOutcome = "success" | "failure" | "not_checked";

export class LoginThrottle {
  readonly #accounts = new Map<string, AccountState>();
  readonly #inFlight = new Map<string, number>();

  constructor(private readonly addresses: AddressLimiter) {}

  /** Whether an attempt at `account` from `remote` may have its password checked now. */
  begin(remote: string | undefined, account: string, knownDevice: boolean, now: number): Admission {
    const key = addressKey(remote);
    const busy = this.#inFlight.get(key) ?? 0;
    if (busy >= IN_FLIGHT_PER_ADDRESS) {
      return { admitted: false, refusal: "busy", retryAfterMs: 1000 };
    }
    const addressWait = this.addresses.retryAfterMs(key, now);
    if (addressWait > 0) return { admitted: false, refusal: "address", retryAfterMs: addressWait };
    const state = this.#account(account, now);
    if (!knownDevice && state && state.until > now) {
      return { admitted: false, refusal: "account", retryAfterMs: state.until - now };
    }
    this.addresses.take(key, now);
    this.#inFlight.set(key, busy + 1);
    return { admitted: true, key };
  }

  /** The password check begun with `begin` is over. */
  end(
    admitted: { key: string },
    account: string,
    ended: { outcome: LoginOutcome; knownDevice: boolean },
    now: number,
  ): void {
    const busy = (this.#inFlight.get(admitted.key) ?? 1) - 1;
    if (busy > 0) this.#inFlight.set(admitted.key, busy);
    else this.#inFlight.delete(admitted.key);
    if (ended.outcome !== "failure") {
      this.addresses.refund(admitted.key, now);
      // The user got in after the delay: the account starts afresh. From a known browser it does
      // not, or each of the user's logins would give a guesser five more free tries.
      if (ended.outcome === "success" && !ended.knownDevice) this.#accounts.delete(account);
      return;
    }
    // Wrong passwords from the user's own browser do not slow down the account for others.
    if (ended.knownDevice) return;
    const state = this.#account(account, now) ?? { failures: 0, lastFailure: now, until: 0 };
    state.failures++;
    state.lastFailure = now;
    if (state.failures >= FREE_FAILURES) {
      const doublings = Math.min(state.failures - FREE_FAILURES, 30);
      state.until = now + Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** doublings);
    }
    // Re-inserted so the map stays in least-recently-failed order for pruning.
    this.#accounts.delete(account);
    if (this.#accounts.size >= MAX_ACCOUNTS) this.#prune(now);
    this.#accounts.set(account, state);
  }

  /** True at most once a minute per address or account, so a flood of refusals is one log line. */
  shouldReport(refusal: Exclude<Refusal, "busy">, addressKey: string, account: string): boolean {
    const now = Date.now();
    if (refusal === "address") return this.addresses.shouldReport(addressKey, now);
    const state = this.#accounts.get(account);
    if (!state || (state.reportedAt !== undefined && now - state.reportedAt < 60_000)) return false;
    state.reportedAt = now;
    return true;
  }

  #account(account: string, now: number): AccountState | undefined {
    const state = this.#accounts.get(account);
    if (state && now - state.lastFailure > FORGET_MS) {
      this.#accounts.delete(account);
      return undefined;
    }
    return state;
  }

  #prune(now: number): void {
    for (const [account, state] of this.#accounts) {
      if (state.until <= now && state.failures < FREE_FAILURES) this.#accounts.delete(account);
    }
    for (const account of this.#accounts.keys()) {
      if (this.#accounts.size < MAX_ACCOUNTS) break;
      this.#accounts.delete(account);
    }
  }
}
