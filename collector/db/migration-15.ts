// Schema 15: upgrades served by the collector: for each agent, the version it was last offered and
// the last step it reported (downloading … confirmed, refused, rolled_back), with the reason. Frozen:
// a later change is a new migration.

/** The schema version this migration brings the database to: the one place its number is. */
export const UPGRADE_SCHEMA_VERSION = 15;

export const MIGRATION_UPGRADES = `
  CREATE TABLE agent_upgrade (
    agent_id INTEGER PRIMARY KEY REFERENCES agents(id),
    version TEXT NOT NULL,          -- the version offered
    from_version TEXT,              -- the version the agent ran when it was offered
    state TEXT NOT NULL,            -- offered | downloading | verified | refused | installing |
                                    -- restarted | confirmed | rolled_back
    reason TEXT,                    -- why it was refused or rolled back
    offered_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
`;
