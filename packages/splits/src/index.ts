// Public API of @tribar/splits.
export { assignSplits, countCodes, indicesOf } from './assign.js';
// The split codes are part of the run folder's contract; re-exported for the users of the splits.
export { SPLIT_TRAIN, SPLIT_VAL, SPLIT_TEST, SPLIT_PURGED, SPLIT_EMBARGOED, SPLIT_INVALID, SPLIT_CODE_NAMES } from '@tribar/artifacts';
export type { AssignOptions, LabelWindows, SplitCounts } from './assign.js';
export { purgedKFold, walkForward, combinatorialPurgedCV, cpcvPaths, assembleCpcvPaths, contiguousGroups, combinations, binomial } from './cv.js';
export type { SampleWindows, CvSplit, CpcvSplit, CpcvPath, PurgedKFoldOptions, WalkForwardOptions, CpcvOptions } from './cv.js';
export { splitsStage, readSplitInput, splitTable, summarize, checkShares } from './stage.js';
export type { SplitInput, HorizonSummary, SplitShares } from './stage.js';
export { cutStage } from './cut-stage.js';
