// Public API of @tribar/splits: the stages `cut` and `splits`, the purge/embargo assignment and the
// cross-validation generators. Split codes are the run folder's contract (@tribar/artifacts),
// re-exported here for the users of the splits.
export { cutStage } from './internal/cut-stage.js';
export { splitsStage } from './internal/stage.js';
export { assignSplits, countCodes, indicesOf } from './internal/assign.js';
export type { AssignOptions, LabelWindows, SplitCounts } from './internal/assign.js';
export { purgedKFold, walkForward, combinatorialPurgedCV, cpcvPaths, assembleCpcvPaths } from './internal/cv.js';
export type { SampleWindows, CvSplit, CpcvSplit, CpcvPath, PurgedKFoldOptions, WalkForwardOptions, CpcvOptions } from './internal/cv.js';
export { SPLIT_TRAIN, SPLIT_VAL, SPLIT_TEST, SPLIT_PURGED, SPLIT_EMBARGOED, SPLIT_INVALID } from '@tribar/artifacts';
