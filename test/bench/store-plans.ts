// Planned work and dependencies for bench:store's city: maintenance windows of every kind (one-off,
// daily, weekly, monthly; on the whole unit, some categories or one check) spread over the units,
// each unit's dc-link as its root and dc-link depending on the gateway, so the summaries and pages
// are measured with windows to subtract and dependents to attribute.
import {
  type MaintenanceSpec,
  maintenanceWindowSchema,
  WEEKDAYS,
} from "../../shared/config/maintenance.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The unit's root: its remote checks (online apps, shared software, websites, data center) depend on it. */
export const ROOT_CHECK = "dc-link";
/** Checks that name their parents in agent.yaml's dependsOn. */
export const DEPENDS_ON: Readonly<Record<string, string[]>> = { "dc-link": ["gateway"] };

const two = (n: number) => String(n).padStart(2, "0");

/** `count` windows over the units in turn, all different, within [start, end). */
export function benchWindows(
  units: readonly string[],
  count: number,
  start: number,
  end: number,
): MaintenanceSpec[] {
  const days = Math.max(1, Math.floor((end - start) / DAY));
  return Array.from({ length: count }, (_, i) => {
    const base = { units: [units[i % units.length] as string], reason: `Bảo trì ${i}` };
    const at = `${two(i % 24)}:${two((i * 7) % 60)}`;
    switch (i % 4) {
      case 0: {
        const from = start + ((i * 13) % days) * DAY + (i % 24) * HOUR;
        return maintenanceWindowSchema.parse({ ...base, from, to: from + 4 * HOUR });
      }
      case 1:
        return maintenanceWindowSchema.parse({
          ...base,
          every: "daily",
          at,
          duration: "30m",
          checks: ["portal"],
        });
      case 2:
        return maintenanceWindowSchema.parse({
          ...base,
          every: "weekly",
          days: [WEEKDAYS[i % 7]],
          at,
          duration: "2h",
          categories: ["website", "online_app"],
        });
      default:
        return maintenanceWindowSchema.parse({
          ...base,
          every: "monthly",
          day: (i % 28) + 1,
          at,
          duration: "3h",
        });
    }
  });
}
