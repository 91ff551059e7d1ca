// The upgrades table's migration is where its version constant says, so renumbering it at a merge
// changes one constant and the file's name, and nothing else goes out of step.
import { describe, expect, it } from "vitest";
import { MIGRATION_UPGRADES, UPGRADE_SCHEMA_VERSION } from "../../../collector/db/migration-15.js";
import { MIGRATIONS, SCHEMA_VERSION } from "../../../collector/db/migrations.js";

describe("the upgrades migration", () => {
  it("brings the schema to UPGRADE_SCHEMA_VERSION, no later than the newest", () => {
    expect(MIGRATIONS[UPGRADE_SCHEMA_VERSION - 1]).toBe(MIGRATION_UPGRADES);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(UPGRADE_SCHEMA_VERSION);
  });
});
