// Part of the one metric table (metrics.ts spreads it in): what the collector exposes about planned
// maintenance and dependencies, for dashboards and for alert rules that must stay quiet.
import { collector } from "./metric-def.js";

export const DEPENDENCY_METRICS = {
  checkDependency: collector(
    "giamsat_check_dependency_info",
    "gauge",
    "The check depends on parent (a check of the same agent): always 1; alert rules leave a check alone while its parent is down.",
  ),
  maintenanceActive: collector(
    "giamsat_maintenance_active",
    "gauge",
    "1 while a planned maintenance window covers the check; absent otherwise.",
  ),
};
