import { UsageError } from '@tribar/core';

/**
 * Samples in time order: sample i is observed at `start[i]` and its label is decided at `end[i]`
 * (entry time and `label_end_time`, or bar indices; any unit, the same for both). Starts must be
 * ascending and every end ≥ its start. Invalid labels (−99) should be left out by the caller.
 */
export interface SampleWindows {
  start: ArrayLike<number>;
  end: ArrayLike<number>;
}

/** One train/test split of sample positions (indices into the windows), each ascending. */
export interface CvSplit {
  train: Int32Array;
  test: Int32Array;
  /** Left out of train because their label windows overlap a test span. */
  purged: Int32Array;
  /** Left out of train because they follow a test span within the embargo. */
  embargoed: Int32Array;
}

export interface CpcvSplit extends CvSplit {
  /** The test groups of this split, ascending. */
  testGroups: number[];
}

function checkWindows(windows: SampleWindows, caller: string): number {
  const { start, end } = windows;
  const n = start.length;
  if (end.length !== n) throw new UsageError(`${caller}: ${n} starts but ${end.length} ends`);
  for (let i = 0; i < n; i++) {
    const s = start[i] as number;
    const e = end[i] as number;
    if (!Number.isFinite(s) || !Number.isFinite(e)) throw new UsageError(`${caller}: sample ${i} has a non-finite window [${s}, ${e}]`);
    if (e < s) throw new UsageError(`${caller}: sample ${i} ends (${e}) before it starts (${s})`);
    if (i > 0 && s < (start[i - 1] as number)) throw new UsageError(`${caller}: starts must be ascending (sample ${i})`);
  }
  return n;
}

function checkCount(value: number, name: string, caller: string, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${caller}: ${name} must be an integer ≥ ${min}, got ${value}`);
}

/** `count` contiguous blocks of [0, n), sizes differing by at most one (the first n mod count one larger). */
function contiguousGroups(n: number, count: number): Array<[number, number]> {
  const base = Math.floor(n / count);
  const extra = n % count;
  const groups: Array<[number, number]> = [];
  let from = 0;
  for (let g = 0; g < count; g++) {
    const to = from + base + (g < extra ? 1 : 0);
    groups.push([from, to]);
    from = to;
  }
  return groups;
}

/**
 * Split all samples into test (`inTest`) and the rest, then drop from the rest every sample whose
 * [start, end] overlaps the span of a contiguous test block — from the block's first start to the
 * latest end of its samples — and embargo the `embargo` samples that start after each block's span.
 * The overlap test is closed on both sides, as the splits stage's `label_end_time ≥ boundary`.
 */
function purgeAndEmbargo(windows: SampleWindows, inTest: Uint8Array, embargo: number): CvSplit {
  const { start, end } = windows;
  const n = inTest.length;
  const state = new Int8Array(n); // 0 train, 1 test, 2 purged, 3 embargoed
  for (let i = 0; i < n; i++) if (inTest[i]) state[i] = 1;
  let i = 0;
  while (i < n) {
    if (!inTest[i]) {
      i++;
      continue;
    }
    let j = i;
    let spanEnd = Number.NEGATIVE_INFINITY;
    while (j < n && inTest[j]) spanEnd = Math.max(spanEnd, end[j++] as number);
    const spanStart = start[i] as number;
    // Samples before the block (and those after it that start inside the span) overlap by their windows.
    for (let t = 0; t < n; t++) {
      if (state[t] === 0 && (start[t] as number) <= spanEnd && (end[t] as number) >= spanStart) state[t] = 2;
    }
    // The embargo follows the span, not the block's last index: samples starting inside the span are already purged.
    let left = embargo;
    for (let t = j; t < n && left > 0; t++) {
      if ((start[t] as number) <= spanEnd) continue;
      if (inTest[t]) break;
      if (state[t] === 0) state[t] = 3;
      left--;
    }
    i = j;
  }
  const pick = (code: number) => {
    const out: number[] = [];
    for (let t = 0; t < n; t++) if (state[t] === code) out.push(t);
    return Int32Array.from(out);
  };
  return { train: pick(0), test: pick(1), purged: pick(2), embargoed: pick(3) };
}

export interface PurgedKFoldOptions {
  /** Number of contiguous test folds (k ≥ 2). */
  folds: number;
  /** Samples embargoed after each test fold's span (default 0). */
  embargo?: number;
}

/**
 * Purged k-fold (López de Prado, AFML 7.4): k contiguous test folds in time order; train is every
 * other sample except those whose label window [start, end] overlaps the test span (first test
 * start to last test end) and the `embargo` samples that start after it. Unlike plain k-fold, no
 * train label can be decided by prices the test fold also sees.
 */
export function purgedKFold(windows: SampleWindows, options: PurgedKFoldOptions): CvSplit[] {
  const n = checkWindows(windows, 'purgedKFold');
  checkCount(options.folds, 'folds', 'purgedKFold', 2);
  const embargo = options.embargo ?? 0;
  checkCount(embargo, 'embargo', 'purgedKFold', 0);
  if (n < options.folds) throw new UsageError(`purgedKFold: ${n} samples cannot make ${options.folds} folds`);
  return contiguousGroups(n, options.folds).map(([from, to]) => {
    const inTest = new Uint8Array(n);
    inTest.fill(1, from, to);
    return purgeAndEmbargo(windows, inTest, embargo);
  });
}

export interface WalkForwardOptions {
  /** Samples in each test window. */
  testSize: number;
  /** Train samples before the first test window (and the rolling window's length). */
  trainSize: number;
  /** 'expanding': train from sample 0; 'rolling': the last `trainSize` samples before the gap. */
  mode: 'expanding' | 'rolling';
  /** Samples skipped between train and test (default 0). */
  gap?: number;
  /** Samples the test window moves each fold (default `testSize`: adjacent test windows). */
  step?: number;
  /** At most this many folds (default: as many as fit in full). */
  folds?: number;
}

/**
 * Walk-forward: test_k = [trainSize + gap + k·step, + testSize); train ends `gap` samples before
 * it, starting at 0 (expanding) or `trainSize` samples earlier (rolling). Train samples whose label
 * window still reaches the test window's first start are purged, so the gap never has to be
 * guessed from the label horizon. Only full test windows are produced.
 */
export function walkForward(windows: SampleWindows, options: WalkForwardOptions): CvSplit[] {
  const n = checkWindows(windows, 'walkForward');
  const gap = options.gap ?? 0;
  const step = options.step ?? options.testSize;
  checkCount(options.testSize, 'testSize', 'walkForward', 1);
  checkCount(options.trainSize, 'trainSize', 'walkForward', 1);
  checkCount(gap, 'gap', 'walkForward', 0);
  checkCount(step, 'step', 'walkForward', 1);
  if (options.folds !== undefined) checkCount(options.folds, 'folds', 'walkForward', 1);
  const splits: CvSplit[] = [];
  for (let k = 0; options.folds === undefined || k < options.folds; k++) {
    const testFrom = options.trainSize + gap + k * step;
    const testTo = testFrom + options.testSize;
    if (testTo > n) break;
    const trainTo = testFrom - gap;
    const trainFrom = options.mode === 'rolling' ? Math.max(0, trainTo - options.trainSize) : 0;
    const firstTestStart = windows.start[testFrom] as number;
    const train: number[] = [];
    const purged: number[] = [];
    for (let i = trainFrom; i < trainTo; i++) ((windows.end[i] as number) >= firstTestStart ? purged : train).push(i);
    const test = new Int32Array(options.testSize);
    for (let i = 0; i < test.length; i++) test[i] = testFrom + i;
    splits.push({ train: Int32Array.from(train), test, purged: Int32Array.from(purged), embargoed: new Int32Array(0) });
  }
  if (splits.length === 0)
    throw new UsageError(
      `walkForward: ${n} samples are too few for trainSize ${options.trainSize} + gap ${gap} + testSize ${options.testSize}`,
    );
  return splits;
}

/** C(n, k), exact for the small counts CV uses. */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let result = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) result = (result * (n - i + 1)) / i;
  return Math.round(result);
}

/** Every k-subset of [0, n) in lexicographic order. */
function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const walk = (from: number) => {
    if (pick.length === k) {
      out.push([...pick]);
      return;
    }
    for (let i = from; i <= n - (k - pick.length); i++) {
      pick.push(i);
      walk(i + 1);
      pick.pop();
    }
  };
  walk(0);
  return out;
}

export interface CpcvOptions {
  /** N contiguous groups. */
  groups: number;
  /** k groups tested in each split (1 ≤ k < N). */
  testGroups: number;
  /** Samples embargoed after each contiguous test block (default 0). */
  embargo?: number;
}

/**
 * Combinatorial purged CV (AFML 12.4): N contiguous groups, every choice of k of them as test —
 * C(N, k) splits in lexicographic order of the test groups — each purged and embargoed around each
 * contiguous test block as in `purgedKFold`. `cpcvPaths` assembles the φ backtest paths.
 */
export function combinatorialPurgedCV(windows: SampleWindows, options: CpcvOptions): CpcvSplit[] {
  const n = checkWindows(windows, 'combinatorialPurgedCV');
  checkCount(options.groups, 'groups', 'combinatorialPurgedCV', 2);
  checkCount(options.testGroups, 'testGroups', 'combinatorialPurgedCV', 1);
  if (options.testGroups >= options.groups)
    throw new UsageError(`combinatorialPurgedCV: testGroups (${options.testGroups}) must be below groups (${options.groups})`);
  if (n < options.groups) throw new UsageError(`combinatorialPurgedCV: ${n} samples cannot make ${options.groups} groups`);
  const embargo = options.embargo ?? 0;
  checkCount(embargo, 'embargo', 'combinatorialPurgedCV', 0);
  const groups = contiguousGroups(n, options.groups);
  return combinations(options.groups, options.testGroups).map((testGroups) => {
    const inTest = new Uint8Array(n);
    for (const g of testGroups) {
      const [from, to] = groups[g] as [number, number];
      inTest.fill(1, from, to);
    }
    return { ...purgeAndEmbargo(windows, inTest, embargo), testGroups };
  });
}

/** A backtest path: for each group 0 … N−1, the split whose test predictions cover it. */
export type CpcvPath = number[];

/**
 * The φ = C(N, k)·k/N = C(N−1, k−1) backtest paths of CPCV. Each group is tested in exactly
 * C(N−1, k−1) splits; path p takes, for every group, the p-th of those splits (in split order), so
 * every (split, test group) pair is used by exactly one path and each path covers all N groups once
 * — a full out-of-sample history per path.
 */
export function cpcvPaths(groups: number, testGroups: number): CpcvPath[] {
  if (!Number.isInteger(groups) || !Number.isInteger(testGroups) || testGroups < 1 || testGroups >= groups) {
    throw new UsageError(`cpcvPaths: need integers 1 ≤ testGroups < groups, got N=${groups}, k=${testGroups}`);
  }
  const pathCount = binomial(groups - 1, testGroups - 1);
  const paths: CpcvPath[] = Array.from({ length: pathCount }, () => new Array<number>(groups).fill(-1));
  const seen = new Array<number>(groups).fill(0);
  combinations(groups, testGroups).forEach((combination, split) => {
    for (const g of combination) {
      (paths[seen[g] as number] as CpcvPath)[g] = split;
      seen[g] = (seen[g] as number) + 1;
    }
  });
  return paths;
}

/**
 * The CPCV paths at sample level: for each path, the split whose test prediction each of the n
 * samples takes (groups as `combinatorialPurgedCV` makes them). Assemble a path's out-of-sample
 * series as `prediction[path[i]][i]`, so a strategy is scored on φ full histories, not one.
 */
export function assembleCpcvPaths(n: number, groups: number, testGroups: number): Int32Array[] {
  checkCount(n, 'n', 'assembleCpcvPaths', groups);
  const blocks = contiguousGroups(n, groups);
  return cpcvPaths(groups, testGroups).map((path) => {
    const splitOf = new Int32Array(n);
    path.forEach((split, g) => {
      const [from, to] = blocks[g] as [number, number];
      splitOf.fill(split, from, to);
    });
    return splitOf;
  });
}
