// The time-series engine as the rest of the collector sees it: nothing outside tsdb/ imports any
// other file of it. Samples live in a head (a row each) and in compressed 2-hour chunks, rolled
// up into 5-minute and hourly buckets, themselves kept in compressed chunks. The engine knows series, agents' ids and units' ids, no
// more: the application hands in how check results become time up and observed, and which of
// its own rows retention deletes.
export { DAY, DAY_LEVEL, FIVE_MINUTE_LEVEL, HOUR, HOUR_LEVEL, type Level } from "./buckets.js";
export {
  type CheckSeries,
  DEFAULT_INTERVAL_MS,
  holdCap,
  type LabelledSeries,
  type SeriesCatalog,
  type SeriesInfo,
} from "./catalog.js";
export {
  type BucketedTimes,
  type CheckInput,
  type CheckTimes,
  type CheckTimesOf,
  medianGap,
  type ScopeTimes,
} from "./check-times.js";
export type { Samples } from "./chunk-codec.js";
export type { Compaction } from "./compaction.js";
export type { DayMerge } from "./day-merge.js";
export { Tsdb, type TsdbOptions } from "./engine.js";
export { type Job, JobRunner, type JobRunnerOptions } from "./jobs.js";
export type { LayoutUpgrade } from "./layout-upgrade.js";
export {
  pageOf,
  type Retention,
  type RetentionCutoffs,
  type RetentionPass,
  type RetentionPhase,
  type RetentionPhases,
} from "./retention.js";
export type { RollupReader, TimesRow } from "./rollup-reader.js";
export type { Rollups, SampleSource } from "./rollups.js";
export { SampleReader, slice } from "./sample-reader.js";
export {
  type KnownSeries,
  SampleWriter,
  type SeriesRef,
  type StoredSample,
} from "./sample-writer.js";
export type { ScopeIds } from "./scopes.js";
export type { SeriesDays } from "./series-days.js";
export type { UnitMark, Watermarks } from "./watermarks.js";
export { type Piece, planWindow } from "./window-plan.js";
