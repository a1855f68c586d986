// Public API of @tribar/ga-optimizer: the stage, the GA cache's place and its clearing, and the
// generic GA. Everything else (fitness, search, worker pool, charts) is internal (src/internal/).
export { gaOptimizeStage } from './internal/stage.js';
export { clearGaCache, gaCacheDir } from './internal/cache.js';
export { evolve } from './internal/ga/evolve.js';
export type { EvolveOptions, EvolveResult, GenerationStats } from './internal/ga/evolve.js';
