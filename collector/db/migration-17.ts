// Schema 17: central checks of one agent, run besides its unit's (collector/fleet/agent-checks.ts).
// Kept by the agent's name, not its id: collector.yaml may name an agent before it enrolls, and the
// checks apply when it does. Frozen: a later change is a new migration.

export const MIGRATION_AGENT_CHECKS = `
  CREATE TABLE agent_central_checks (
    unit_id TEXT NOT NULL REFERENCES units(id),
    agent_name TEXT NOT NULL,      -- as enrolled (agents.name), enrolled or not yet
    name TEXT NOT NULL,
    source TEXT NOT NULL,          -- config (collector.yaml) | api (the API)
    position INTEGER NOT NULL,     -- the order the agent runs them in, per source, after the unit's
    body TEXT NOT NULL,            -- JSON, the check as written (shared/config/central-checks.ts)
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (unit_id, agent_name, name)
  ) WITHOUT ROWID;
`;
