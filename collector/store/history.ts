// What the store derives from raw samples, put together: rollups, compaction, retention and
// incidents as background jobs, and the readers the API and the pages use.
import type { IncidentsConfig, RetentionConfig } from "../../shared/config/collector.js";
import type { Logger } from "../../shared/log.js";
import { AvailabilityQuery } from "./availability-query.js";
import { SeriesCatalog } from "./catalog.js";
import { Compaction } from "./compaction.js";
import type { Db } from "./database.js";
import { Incidents } from "./incidents.js";
import { Maintenance } from "./maintenance.js";
import { RawSamples } from "./raw.js";
import { Retention } from "./retention.js";
import { Rollups } from "./rollups.js";
import { ScopeIds } from "./scopes.js";
import { Watermarks } from "./watermarks.js";

export interface HistoryOptions {
  retention: RetentionConfig;
  incidents: IncidentsConfig;
  /** When the collector started (silence is not counted from before). */
  startedAt: number;
  clock?: () => number;
  log?: Logger;
  onStep?: (job: string, seconds: number) => void;
}

export class History {
  readonly catalog: SeriesCatalog;
  readonly raw: RawSamples;
  readonly marks: Watermarks;
  readonly scopes: ScopeIds;
  readonly rollups: Rollups;
  readonly compaction: Compaction;
  readonly retention: Retention;
  readonly incidents: Incidents;
  readonly availability: AvailabilityQuery;
  readonly maintenance: Maintenance;

  constructor(
    readonly db: Db,
    readonly options: HistoryOptions,
  ) {
    this.catalog = new SeriesCatalog(db);
    this.raw = new RawSamples(db);
    this.marks = new Watermarks(db);
    this.scopes = new ScopeIds(db);
    this.rollups = new Rollups(db, this.catalog, this.raw, this.marks, {
      rawRetentionMs: options.retention.raw,
    });
    this.compaction = new Compaction(db);
    this.retention = new Retention(db, options.retention);
    this.incidents = new Incidents(
      db,
      this.catalog,
      this.raw,
      options.incidents,
      options.startedAt,
    );
    this.availability = new AvailabilityQuery(
      db,
      this.catalog,
      this.raw,
      this.marks,
      this.scopes,
      options.retention,
    );
    this.maintenance = new Maintenance(
      [this.incidents, this.rollups, this.compaction, this.retention],
      {
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.log ? { log: options.log } : {}),
        ...(options.onStep ? { onStep: options.onStep } : {}),
      },
    );
  }

  /** For the sample store: a batch reaching back to `ts` was stored for the unit. */
  readonly late = (unit: string, ts: number): void => this.marks.late(unit, ts);
}
