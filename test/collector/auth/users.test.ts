// Password checks: scrypt hashes that verify, the same answer for a wrong name as for a wrong
// password, and one check at a time with a bounded queue, past which a login gets 503.
import { afterAll, describe, expect, it } from "vitest";
import { hashPassword, UserStore, verifyPassword } from "../../../collector/auth/users.js";
import { openDatabase } from "../../../collector/db/database.js";
import { HttpError } from "../../../shared/errors.js";

const db = openDatabase(":memory:");
afterAll(() => db.close());
const PASSWORD = "twelve chars or more";

describe("passwords", () => {
  it("are stored as salted scrypt hashes that verify only the right password", async () => {
    const [a, b] = await Promise.all([hashPassword(PASSWORD), hashPassword(PASSWORD)]);
    expect(a).not.toBe(b);
    expect(a).not.toContain(PASSWORD);
    expect(await verifyPassword(PASSWORD, a)).toBe(true);
    expect(await verifyPassword(`${PASSWORD}!`, a)).toBe(false);
    expect(await verifyPassword(PASSWORD, "md5$whatever")).toBe(false);
  });

  it("are checked one at a time; past the waiting room a login is refused with 503", async () => {
    const users = new UserStore(db, { maxWaiting: 1 });
    await users.add("someone", "city", undefined, PASSWORD, Date.now());
    const attempts = await Promise.allSettled([
      users.verify("someone", PASSWORD),
      users.verify("someone", "wrong password!"),
      users.verify("nobody", PASSWORD),
      users.verify("someone", PASSWORD),
    ]);
    expect(attempts.map((a) => a.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "rejected",
    ]);
    expect(attempts[0]).toMatchObject({ value: { name: "someone", role: "city", unit: null } });
    expect(attempts[1]).toEqual({ status: "fulfilled", value: undefined });
    const refused = (attempts[2] as PromiseRejectedResult).reason;
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 503, headers: { "Retry-After": "5" } });
    // The room empties: the next login is checked again.
    expect(await users.verify("nobody", PASSWORD)).toBeUndefined();
  });
});
