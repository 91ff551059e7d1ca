// The outbox row format: format 1 is the first release's, byte for byte, and every row that release
// wrote decodes to the entries it was given.
import { createHash } from "node:crypto";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { decodeRow, encodeRow, type Fragments } from "../../../agent/outbox/codec.js";
import { DICTIONARY_V1 } from "../../../agent/outbox/format-v1.js";
import { Outbox } from "../../../agent/outbox/outbox.js";
import { RELEASE, RELEASE_FILE } from "../../helpers/outbox-release.js";
import { tempDir } from "../../helpers/processes.js";

const dir = tempDir();
afterAll(() => dir.remove());

/** What a row holding these entries must decode to: each array's items, entries joined by ",". */
function fragmentsOf(entries: (typeof RELEASE.rows)[number]["entries"]): Fragments {
  const text = (items: unknown[][]) =>
    items
      .filter((list) => list.length > 0)
      .map((list) => JSON.stringify(list).slice(1, -1))
      .join(",");
  return {
    results: text(entries.map((e) => e.results)),
    samples: text(entries.map((e) => e.samples)),
    inventory: text(entries.map((e) => e.inventory)),
  };
}

describe("outbox row format", () => {
  it("keeps format 1's dictionary exactly as release 0853e76 built it", () => {
    // The digest of the dictionary that release derived from its metric table.
    expect(DICTIONARY_V1.length).toBe(3283);
    expect(createHash("sha256").update(DICTIONARY_V1).digest("hex")).toBe(
      "804b972fbf97cba6711bd8775ca51b74b0965f707fc4e63241fe6a0a3f3d82be",
    );
  });

  it("decodes every row release 0853e76 wrote to the entries it held", () => {
    const db = new Database(RELEASE_FILE, { readonly: true });
    const rows = db.prepare("SELECT seq, body FROM entries ORDER BY id").all() as {
      seq: number | null;
      body: Buffer;
    }[];
    db.close();
    expect(rows.map((row) => row.seq)).toEqual(RELEASE.rows.map((row) => row.seq));
    rows.forEach((row, i) => {
      expect(decodeRow(1, row.body)).toEqual(fragmentsOf(RELEASE.rows[i]?.entries ?? []));
    });
  });

  it("reads back what it writes, Vietnamese text and all", () => {
    const fragments = {
      results: '{"check":"cổng","up":false,"reason":"dns"}',
      samples: "",
      inventory: '{"data":{"sysLocation":"Tầng 2"}}',
    };
    const { format, body } = encodeRow(fragments);
    expect(format).toBe(1);
    expect(decodeRow(format, body)).toEqual(fragments);
  });

  it("refuses a row format it does not know instead of guessing", () => {
    const { body } = encodeRow({ results: "", samples: "", inventory: "" });
    expect(() => decodeRow(7, body)).toThrow("outbox row format 7 is unknown to this agent");
  });
});

describe("outbox file layout", () => {
  it("refuses a file written by a newer agent, says what to do, and leaves it as it was", () => {
    const path = join(dir.path, "newer.db");
    const newer = new Database(path);
    newer.exec("CREATE TABLE entries (id INTEGER PRIMARY KEY); PRAGMA user_version = 9");
    newer.close();
    expect(() => new Outbox({ path, maxBytes: 1e6 })).toThrow(
      /buffer\.path: .*newer\.db was written by a newer giamsat agent \(layout 9\); upgrade the agent or move the file away/,
    );
    const after = new Database(path, { readonly: true });
    expect(after.pragma("user_version", { simple: true })).toBe(9);
    after.close();
  });
});
