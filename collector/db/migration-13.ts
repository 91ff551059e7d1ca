// Schema 13: the fleet. Central checks a unit's agents run (from collector.yaml or the web and the
// API), what each agent last did with the checks it was sent, and the facts of its last hello the
// agents table has no column for. Frozen: a later change is a new migration.

export const MIGRATION_FLEET = `
  CREATE TABLE central_checks (
    unit_id TEXT NOT NULL REFERENCES units(id),
    name TEXT NOT NULL,
    source TEXT NOT NULL,          -- config (collector.yaml) | api (the web and the API)
    position INTEGER NOT NULL,     -- the order the agent runs them in, per source
    body TEXT NOT NULL,            -- JSON, the check as written (shared/config/central-checks.ts)
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (unit_id, name)
  ) WITHOUT ROWID;
  -- The central checks last sent to an agent and its answer.
  CREATE TABLE agent_config (
    agent_id INTEGER PRIMARY KEY REFERENCES agents(id),
    hash TEXT NOT NULL,
    state TEXT NOT NULL,           -- sent | applied | refused
    errors TEXT,                   -- JSON array of the agent's reasons when refused
    applied_hash TEXT,             -- the last set it applied: what it runs after a refusal
    sent_at INTEGER NOT NULL,
    answered_at INTEGER
  );
  ALTER TABLE agents ADD COLUMN facts TEXT;  -- JSON {node, startedAt, features} of the last hello
`;
