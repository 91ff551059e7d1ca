// POST /api/v1/maintenance (create a window) and POST /api/v1/maintenance/:window/end: a unit's
// own users for their unit, operators and admins for any (auth/roles.ts), each change audited in
// the transaction that makes it. The web forms of the unit page post the same fields.
import { maintenanceWindowSchema } from "../../../shared/config/maintenance.js";
import { HttpError } from "../../../shared/errors.js";
import { recordAudit } from "../../auth/audit.js";
import { can, type User } from "../../auth/roles.js";
import type { Db } from "../../db/database.js";
import type { Maintenance } from "../../inspection/maintenance.js";
import {
  localTime,
  type MaintenanceWindowView,
  windowView,
} from "../../inspection/maintenance-list.js";
import { listUnits } from "../../inspection/units.js";
import { badRequest } from "../query.js";

/** A window from the web starts no earlier than this before now: planned work is declared ahead. */
export const CREATE_GRACE_MS = 5 * 60_000;

export class MaintenanceActions {
  constructor(
    private readonly db: Db,
    private readonly maintenance: Maintenance,
    private readonly clock: () => number = Date.now,
  ) {}

  create(user: User, body: unknown): MaintenanceWindowView {
    const parsed = maintenanceWindowSchema.safeParse(body ?? {}, { reportInput: true });
    if (!parsed.success)
      throw badRequest(parsed.error, (where, message) => `${where || "body"}: ${message}`);
    const spec = parsed.data;
    const known = new Set(listUnits(this.db).map((u) => u.id));
    for (const unit of spec.scope.units) {
      if (!known.has(unit)) throw new HttpError(400, `units: no unit "${unit}"`);
      if (!can(user, "maintenance", unit)) {
        throw new HttpError(
          403,
          `${user.name} (${user.role}${user.unit ? ` of ${user.unit}` : ""}) may not plan maintenance for unit ${unit}`,
        );
      }
    }
    const now = this.clock();
    const { schedule } = spec;
    if (schedule.every === "once") {
      // Figures people sign are not rewritten after the fact from the web; collector.yaml can.
      if (schedule.to <= now) {
        throw new HttpError(
          400,
          `to: ${localTime(schedule.to)} has passed: a window is declared before the work`,
        );
      }
      if (schedule.from < now - CREATE_GRACE_MS) {
        throw new HttpError(
          400,
          `from: ${localTime(schedule.from)} is more than 5 minutes ago: start the window now or later`,
        );
      }
    }
    return this.db.transaction(() => {
      const window = this.maintenance.create(spec, user.name, now);
      recordAudit(
        this.db,
        {
          actor: user.name,
          action: "maintenance.create",
          unit: spec.scope.units.join(","),
          target: `window ${window.id}`,
          detail: { reason: spec.reason, schedule: spec.schedule, scope: spec.scope },
        },
        now,
      );
      return windowView(this.maintenance, window, now);
    })();
  }

  end(user: User, id: string): MaintenanceWindowView {
    const window = /^\d{1,12}$/.test(id) ? this.maintenance.get(Number(id)) : undefined;
    if (!window) throw new HttpError(404, `no maintenance window ${id}`);
    const foreign = window.scope.units.find((unit) => !can(user, "maintenance", unit));
    if (foreign !== undefined) {
      throw new HttpError(403, `${user.name} may not end maintenance of unit ${foreign}`);
    }
    const now = this.clock();
    return this.db.transaction(() => {
      const ended = this.maintenance.end(window.id, user.name, now);
      if (!ended)
        throw new HttpError(409, `maintenance window ${id} has nothing on now or to come`);
      recordAudit(
        this.db,
        {
          actor: user.name,
          action: "maintenance.end",
          unit: window.scope.units.join(","),
          target: `window ${window.id}`,
          detail: { occurrence: ended.scheduled, endedAt: now, reason: window.reason },
        },
        now,
      );
      return windowView(this.maintenance, window, now);
    })();
  }
}
