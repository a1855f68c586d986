// Public API of @tribar/core: the foundation every other package builds on.
export { TribarError, DataError, ArtifactError, UsageError, describeError } from './errors.js';
export type { ErrorDetails, DataLocation } from './errors.js';
export { createRootLogger, childLogger, silentLogger, jsonLinesFile } from './logger.js';
export type { Logger, LogLevel, LogStream, RootLoggerOptions } from './logger.js';
export { writeAtomically, writeFileAtomic, writeJsonAtomic, temporaryPathFor } from './atomic-write.js';
export { sha256, sha256File, stableStringify, hashValue } from './hash.js';
export { Rng, deriveSeed } from './rng.js';
export {
  readArrowFile,
  writeArrowFile,
  readParquetFile,
  writeParquetFile,
  parquetToArrow,
  arrowToParquet,
} from './arrow-io.js';
export { ArtifactManifest, diffManifests, verifyEntry } from './manifest.js';
export type { ArtifactEntry, ManifestData, ManifestDiff, ManifestProblem } from './manifest.js';
export { defineStage, noProgress, createStageContext } from './stage.js';
export type { StageDefinition, StageContext, StageContextOptions, StageOutcome, ProgressReporter } from './stage.js';
export { barsToTable, tableToBars, emptyBars, barCount, OHLCV_FIELDS } from './bars.js';
export type { Bars } from './bars.js';
export {
  CmeCalendar,
  cmeCalendar,
  calendarForSymbol,
  productForSymbol,
  toTradingDate,
  formatTradingDate,
  utcDateOf,
  holidayRule,
  easterSunday,
  addCalendarDays,
  ZoneClock,
} from './calendar/index.js';
export type { Session, CmeProduct, HolidayRule } from './calendar/index.js';
export { calendarCuts, countBefore } from './split-cuts.js';
export type { CalendarCuts, SplitRatios } from './split-cuts.js';
export {
  tripleBarrier,
  tripleBarrierInto,
  allocateTripleBarrierResult,
  INVALID_LABEL,
  TOUCH_UPPER,
  TOUCH_LOWER,
  TOUCH_NONE,
  TOUCH_BOTH,
} from './labels/triple-barrier.js';
export type {
  SameBarRule,
  TripleBarrierInput,
  TripleBarrierParams,
  TripleBarrierResult,
  TripleBarrierBuffers,
} from './labels/triple-barrier.js';
export { adfTest, adfCriticalValue5 } from './stats/adf.js';
export type { AdfResult } from './stats/adf.js';
export { barsPerYear } from './stats/bars-per-year.js';
export { float64Column, float64Columns } from './arrow-columns.js';
export { workerEntryUrl } from './worker-entry.js';
