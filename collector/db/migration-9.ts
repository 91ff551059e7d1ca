// Schema 9: what leaders read and sign. The display titles of checks, as each agent's hello last
// sent them (agent.yaml `title`); the leader flag of a unit's user, the one account that signs the
// unit's inspection; and the leader's title a sign-off was signed as, next to the name.
// Frozen: a later change is a new migration.

export const MIGRATION_9 = `
  CREATE TABLE check_titles (
    agent_id INTEGER NOT NULL REFERENCES agents(id),
    check_name TEXT NOT NULL,
    title TEXT NOT NULL,
    PRIMARY KEY (agent_id, check_name)
  ) WITHOUT ROWID;
  ALTER TABLE users ADD COLUMN leader INTEGER NOT NULL DEFAULT 0 CHECK (leader IN (0, 1));
  ALTER TABLE signoffs ADD COLUMN inspector_title TEXT;
  `;
