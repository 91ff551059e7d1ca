// The one policy: what each role may do, and a unit user only within its unit; signing a unit's
// inspection is its leader's alone.
import { describe, expect, it } from "vitest";
import { ACTIONS, can, type User, visibleUnits } from "../../../collector/auth/roles.js";

const users: Record<string, User> = {
  city: { id: 1, name: "c", role: "city", unit: null },
  leader: { id: 2, name: "l", role: "unit", unit: "unit-a", leader: true },
  unit: { id: 5, name: "u", role: "unit", unit: "unit-a" },
  operator: { id: 3, name: "o", role: "operator", unit: null },
  admin: { id: 4, name: "a", role: "admin", unit: null },
};

describe("can", () => {
  it("grants each role its actions, on its own unit for a unit user", () => {
    const table = Object.fromEntries(
      Object.entries(users).map(([role, user]) => [
        role,
        ACTIONS.map(
          (action) =>
            `${action}:${can(user, action, "unit-a") ? "a" : "-"}${can(user, action, "unit-b") ? "b" : "-"}`,
        ).join(" "),
      ]),
    );
    expect(table).toEqual({
      city: "read:ab signoff:-- agents:-- enroll:-- users:-- audit:-- maintenance:-- configure:-- discover:--",
      leader:
        "read:a- signoff:a- agents:-- enroll:a- users:-- audit:-- maintenance:a- configure:a- discover:a-",
      unit: "read:a- signoff:-- agents:-- enroll:a- users:-- audit:-- maintenance:a- configure:a- discover:a-",
      operator:
        "read:ab signoff:-- agents:ab enroll:ab users:-- audit:-- maintenance:ab configure:ab discover:ab",
      admin:
        "read:ab signoff:-- agents:ab enroll:ab users:ab audit:ab maintenance:ab configure:ab discover:ab",
    });
  });

  it("shows a unit user only its unit's rows", () => {
    const rows = [{ unit: "unit-a" }, { unit: "unit-b" }];
    expect(visibleUnits(users.unit as User, rows, (r) => r.unit)).toEqual([{ unit: "unit-a" }]);
    expect(visibleUnits(users.city as User, rows, (r) => r.unit)).toEqual(rows);
  });
});
