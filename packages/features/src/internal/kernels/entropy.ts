// Entropy estimators of AFML ch. 18 over integer-coded messages (symbols 0 … k−1), and the
// book's return encodings (§ 18.5). Every estimator reads msg[from … to) only; the rolling family
// encodes each window from its own returns, so nothing after a bar reaches its value.

const NaN_ = Number.NaN;

/** Word spaces up to this size are counted in a table instead of sorted. */
const WORD_TABLE = 1 << 16;
let wordCounts: Float64Array | undefined; // allocated on first use, left all 0 after each call

/**
 * The tick rule (AFML § 19.2) on price changes: b = sign(Δp), or the previous b when Δp = 0; coded
 * 1 for an uptick, 0 for a downtick, −1 before the first non-zero change (undefined). The issue's
 * known answer: changes [−1, 1, 0, 0] give b = [−1, 1, 1, 1], coded [0, 1, 1, 1].
 */
export function tickRuleCodes(changes: ArrayLike<number>): Int32Array {
  const out = new Int32Array(changes.length);
  let last = -1;
  for (let i = 0; i < changes.length; i++) {
    const d = changes[i] as number;
    if (d > 0) last = 1;
    else if (d < 0) last = 0;
    else if (d !== 0) last = -1; // NaN: the rule has nothing to carry
    out[i] = last;
  }
  return out;
}

/**
 * Quantile encoding (§ 18.5.2) of `x[from … to)` into `out[0 … to − from)`: a value's code is
 * ⌊q · (number of window values below it) / length⌋, so each of the q codes holds about an equal
 * share and ties share a code. `sorted` holds the same window's values in increasing order (the
 * rolling caller keeps it by insertion). Returns the alphabet size q.
 */
export function quantileCodes(x: Float64Array, from: number, to: number, q: number, out: Int32Array, sorted: Float64Array): number {
  const m = to - from;
  for (let k = 0; k < m; k++) {
    const v = x[from + k] as number;
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as number) < v) lo = mid + 1;
      else hi = mid;
    }
    out[k] = Math.min(q - 1, Math.floor((q * lo) / m));
  }
  return q;
}

/**
 * Slide a sorted window one bar: remove `drop` (present in `sorted[0 … m)`) and insert `add`, by
 * binary search and one shift, O(m) instead of a sort.
 */
export function slideSorted(sorted: Float64Array, m: number, drop: number, add: number): void {
  let lo = 0;
  let hi = m;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < drop) lo = mid + 1;
    else hi = mid;
  }
  sorted.copyWithin(lo, lo + 1, m); // remove at lo
  lo = 0;
  hi = m - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < add) lo = mid + 1;
    else hi = mid;
  }
  sorted.copyWithin(lo + 1, lo, m - 1);
  sorted[lo] = add;
}

/**
 * Sigma encoding (§ 18.5.3) of `x[from … to)`: code = ⌊(x − min) / σ⌋ with σ = `step` × the
 * window's sample std (the book's fixed step, here scaled to the window so it needs no fitted
 * value); a flat window is all 0. Returns the alphabet size (largest code + 1).
 */
export function sigmaCodes(x: Float64Array, from: number, to: number, step: number, out: Int32Array): number {
  const m = to - from;
  let min = Infinity;
  let sum = 0;
  for (let i = from; i < to; i++) {
    const v = x[i] as number;
    if (v < min) min = v;
    sum += v;
  }
  const mean = sum / m;
  let ss = 0;
  for (let i = from; i < to; i++) ss += ((x[i] as number) - mean) ** 2;
  const sigma = step * Math.sqrt(ss / (m - 1));
  let k = 1;
  for (let i = 0; i < m; i++) {
    const c = sigma > 0 ? Math.floor(((x[from + i] as number) - min) / sigma) : 0;
    out[i] = c;
    if (c + 1 > k) k = c + 1;
  }
  return k;
}

/** Shannon entropy in bits of the symbol frequencies of msg[from … to) (alphabet k). */
export function shannonEntropy(msg: Int32Array, from: number, to: number, k: number, counts = new Float64Array(k)): number {
  counts.fill(0, 0, k);
  for (let i = from; i < to; i++) counts[msg[i] as number]! += 1;
  const n = to - from;
  let h = 0;
  for (let s = 0; s < k; s++) {
    const c = counts[s] as number;
    if (c > 0) h -= (c / n) * Math.log2(c / n);
  }
  return h;
}

/**
 * The plug-in (maximum-likelihood) entropy rate, snippet 18.1: the Shannon entropy of the words of
 * length w, divided by w. As the book's `pmf1`, the words start at 0 … n − w − 1 (n − w of them;
 * the last word is not counted). NaN when the message has no word.
 */
export function pluginEntropy(msg: Int32Array, from: number, to: number, w: number, k: number, scratch: Float64Array): number {
  const words = to - from - w;
  if (words <= 0) return NaN_;
  const keys = scratch.subarray(0, words);
  for (let i = 0; i < words; i++) {
    let key = 0;
    for (let j = 0; j < w; j++) key = key * k + (msg[from + i + j] as number);
    keys[i] = key;
  }
  let h = 0;
  const space = k ** w;
  if (space <= WORD_TABLE) {
    // Count in a table (reset only where used): no sort for small alphabets.
    wordCounts ??= new Float64Array(WORD_TABLE);
    for (let i = 0; i < words; i++) wordCounts[keys[i] as number]! += 1;
    for (let i = 0; i < words; i++) {
      const key = keys[i] as number;
      const c = wordCounts[key] as number;
      if (c > 0) {
        h -= (c / words) * Math.log2(c / words);
        wordCounts[key] = 0;
      }
    }
    return h / w;
  }
  keys.sort();
  let run = 1;
  for (let i = 1; i <= words; i++) {
    if (i < words && keys[i] === keys[i - 1]) {
      run++;
      continue;
    }
    h -= (run / words) * Math.log2(run / words);
    run = 1;
  }
  return h / w;
}

/**
 * Lempel–Ziv complexity, snippet 18.2: the message parsed into the shortest phrases not seen
 * before (the library starts with the first symbol), as the library's size over the length. The
 * library is prefix-closed, so it is a trie: `trie` holds (nodes × k) child slots, 0 = none.
 * `11100001` parses 1 | 11 | 0 | 00 | 01 → 5 / 8 = 0.625.
 */
export function lempelZiv(msg: Int32Array, from: number, to: number, k: number, trie: Int32Array): number {
  const n = to - from;
  if (n <= 0) return NaN_;
  trie.fill(0, 0, (n + 1) * k);
  let nodes = 1; // node 0 = root
  trie[msg[from] as number] = nodes++;
  let size = 1;
  let i = from + 1;
  while (i < to) {
    let node = 0;
    let j = i;
    for (; j < to; j++) {
      const slot = node * k + (msg[j] as number);
      const child = trie[slot] as number;
      if (child === 0) {
        trie[slot] = nodes++;
        size++;
        break;
      }
      node = child;
    }
    i = j + 1;
  }
  return size / n;
}

/**
 * Kontoyiannis' entropy-rate estimate with an expanding window, snippet 18.4 (`konto`, window
 * None): for i = 1 … ⌊n/2⌋, L_i = 1 + the longest match of msg[i …] starting in msg[0 … i) (of
 * length at most i, overlap allowed), and h = mean of log2(i + 1) / L_i.
 */
export function kontoyiannis(msg: Int32Array, from: number, to: number): number {
  const n = to - from;
  const points = n >> 1;
  if (points < 1) return NaN_;
  let sum = 0;
  for (let i = 1; i <= points; i++) {
    let best = 0;
    const a = from + i;
    for (let j = from; j < a && best < i; j++) {
      let l = 0;
      while (l < i && a + l < to && msg[j + l] === msg[a + l]) l++;
      if (l > best) best = l;
    }
    sum += Math.log2(i + 1) / (best + 1);
  }
  return sum / points;
}
