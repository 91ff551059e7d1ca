// Schema 19: what incident detection needs to tell whether a check's parent was down at some time,
// not only at its latest result, and a check whose incident waits for its parent's next result
// (collector/inspection/dependent-failures.ts). Frozen: a later change is a new migration.

/** The schema version this migration brings the database to: the one place its number is. */
export const PARENT_TIMES_SCHEMA_VERSION = 19;

export const MIGRATION_PARENT_TIMES = `
  ALTER TABLE incident_state ADD COLUMN failing_since INTEGER; -- first failure of the latest stretch of them
  ALTER TABLE incident_state ADD COLUMN up_since INTEGER;      -- the good result that ended it
  ALTER TABLE incident_state ADD COLUMN held_since INTEGER;    -- down, whose fault not yet decided: since when
`;
