// The discovery tables' migration is where its version constant says, so renumbering it at a merge
// changes one constant and the file's name, and nothing else goes out of step.
import { describe, expect, it } from "vitest";
import {
  DISCOVERY_SCHEMA_VERSION,
  MIGRATION_DISCOVERY,
} from "../../../collector/db/migration-14.js";
import {
  DISCOVERY_SCHEDULE_SCHEMA_VERSION,
  MIGRATION_DISCOVERY_SCHEDULE,
} from "../../../collector/db/migration-16.js";
import { MIGRATIONS, SCHEMA_VERSION } from "../../../collector/db/migrations.js";

describe("the discovery migration", () => {
  it("brings the schema to DISCOVERY_SCHEMA_VERSION, no later than the newest", () => {
    expect(MIGRATIONS[DISCOVERY_SCHEMA_VERSION - 1]).toBe(MIGRATION_DISCOVERY);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(DISCOVERY_SCHEMA_VERSION);
  });

  it("brings the schema to DISCOVERY_SCHEDULE_SCHEMA_VERSION with the schedules' table", () => {
    expect(MIGRATIONS[DISCOVERY_SCHEDULE_SCHEMA_VERSION - 1]).toBe(MIGRATION_DISCOVERY_SCHEDULE);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(DISCOVERY_SCHEDULE_SCHEMA_VERSION);
  });
});
