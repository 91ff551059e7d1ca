// The SQLite handle the engine works in. The application opens the file and migrates it
// (db/database.ts); the engine only needs the connection, so it names the type itself.
import type Database from "better-sqlite3";

export type Db = Database.Database;
