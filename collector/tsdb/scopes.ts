// Integer ids for a unit's categories and for the whole unit, the keys of availability rollups.
import type { Db } from "./sqlite.js";

export class ScopeIds {
  readonly #insert;
  readonly #select;

  constructor(db: Db) {
    this.#insert = db.prepare(
      "INSERT INTO scopes (unit_id, category) VALUES (?, ?) ON CONFLICT DO NOTHING",
    );
    this.#select = db.prepare("SELECT category, id FROM scopes WHERE unit_id = ?").raw();
  }

  /** The ids of the unit's scopes: those already known plus `categories`, created as needed. */
  forUnit(unit: string, categories: readonly string[]): Map<string, number> {
    const known = this.known(unit);
    if (categories.every((c) => known.has(c))) return known;
    for (const category of categories) this.#insert.run(unit, category);
    return this.known(unit);
  }

  /** Existing ids, by category ("*" for the whole unit), without creating any. */
  known(unit: string): Map<string, number> {
    return new Map(this.#select.all(unit) as [string, number][]);
  }
}
