// Schema 10: enrollment codes a unit hands to its agents' installers. Only a hash of a code is
// kept; the selector (its public part) finds the row, so a code is compared with one hash, in
// constant time. Frozen: a later change is a new migration.

export const MIGRATION_10 = `
  CREATE TABLE enrollment_codes (
    id INTEGER PRIMARY KEY,
    selector TEXT NOT NULL UNIQUE,
    hash BLOB NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units(id),
    max_uses INTEGER NOT NULL,
    uses INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    revoked_by TEXT
  );
  CREATE INDEX enrollment_codes_unit ON enrollment_codes(unit_id, created_at);
  `;
