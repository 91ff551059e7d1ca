// The time-series engine over one SQLite file, its parts wired together: the series catalog, the
// sample reader, rollups in chunks with their watermarks and scopes, and the background jobs a
// JobRunner steps beside those the application adds: the upgrade of an older store's rollups, the
// days of its check series made from their hours, rollups, compaction, the merge of closed days of
// raw chunks, and retention.
import type { RetentionConfig } from "../../shared/config/collector.js";
import type { Logger } from "../../shared/log.js";
import { SeriesCatalog } from "./catalog.js";
import type { CheckTimesOf } from "./check-times.js";
import { Compaction } from "./compaction.js";
import { DayMerge } from "./day-merge.js";
import type { Job } from "./jobs.js";
import { LayoutUpgrade } from "./layout-upgrade.js";
import { LegacyRollups } from "./legacy-rollups.js";
import { Retention, type RetentionPhases } from "./retention.js";
import { RollupChunks } from "./rollup-chunks.js";
import { RollupReader } from "./rollup-reader.js";
import { Rollups } from "./rollups.js";
import { SampleReader } from "./sample-reader.js";
import { ScopeIds } from "./scopes.js";
import { SeriesDays } from "./series-days.js";
import type { Db } from "./sqlite.js";
import { Watermarks } from "./watermarks.js";

export interface TsdbOptions {
  retention: RetentionConfig;
  /** How a unit's check results become time up, observed and down because of the link. */
  checkTimes: CheckTimesOf;
  /** The application's own rows that retention deletes too. */
  retentionPhases?: RetentionPhases;
  /** For the upgrade's progress. */
  log?: Logger;
}

export class Tsdb {
  readonly catalog: SeriesCatalog;
  readonly samples: SampleReader;
  readonly marks: Watermarks;
  readonly scopes: ScopeIds;
  readonly rollups: Rollups;
  readonly rollupReader: RollupReader;
  readonly compaction: Compaction;
  /** Merging closed days of 2-hour raw chunks into one chunk per series and day. */
  readonly dayMerge: DayMerge;
  readonly retention: Retention;
  /** Moving an older store's rollup rows into chunks; done at once for a store that has none. */
  readonly upgrade: LayoutUpgrade;
  /** Making series' days from their hours in a store from before they had days. */
  readonly seriesDays: SeriesDays;
  /** The engine's background jobs, in the order they take turns. */
  readonly jobs: readonly Job[];

  constructor(
    readonly db: Db,
    options: TsdbOptions,
  ) {
    this.catalog = new SeriesCatalog(db);
    this.compaction = new Compaction(db);
    this.dayMerge = new DayMerge(db, () => this.compaction.compactedBefore);
    this.samples = new SampleReader(db, {
      chunks: () => this.compaction.chunksBefore,
      days: () => this.dayMerge.daysBefore,
    });
    this.marks = new Watermarks(db);
    this.scopes = new ScopeIds(db);
    const chunks = new RollupChunks(db);
    const legacy = new LegacyRollups(db);
    this.upgrade = new LayoutUpgrade(db, legacy, chunks, options.log);
    this.seriesDays = new SeriesDays(db, chunks, () => this.upgrade.done, options.log);
    this.rollups = new Rollups(db, this.catalog, this.samples, this.marks, chunks, {
      rawRetentionMs: options.retention.raw,
      checkTimes: options.checkTimes,
      ready: () => this.upgrade.done && this.seriesDays.done,
    });
    this.rollupReader = new RollupReader(chunks, legacy);
    this.retention = new Retention(db, options.retention, chunks, legacy, options.retentionPhases);
    this.jobs = [
      this.upgrade,
      this.seriesDays,
      this.rollups,
      this.compaction,
      this.dayMerge,
      this.retention,
    ];
  }
}
