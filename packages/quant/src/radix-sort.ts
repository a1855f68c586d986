/**
 * An ascending copy of float64 values by LSD radix sort: each value's bits become an unsigned key
 * that orders as the number does (positive: sign bit set; negative: every bit flipped), then four
 * counting passes over 16-bit digits, skipping a digit every value shares (the exponent's high bits
 * often are). Same result as `Float64Array.prototype.sort` to the bit (−0 before +0), about twice
 * as fast on the tens of thousands of train values a scaler fits on: n·4 passes instead of n·log n
 * comparisons. The values must hold no NaN (their order is not defined here).
 */
export function sortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  let keys = new Uint32Array(2 * n);
  new Float64Array(keys.buffer).set(values);
  // Little-endian: word 2i is the low half of value i, word 2i + 1 the high half with the sign.
  for (let i = 0; i < n; i++) {
    const hi = keys[2 * i + 1] as number;
    if (hi & 0x80000000) {
      keys[2 * i + 1] = ~hi >>> 0;
      keys[2 * i] = ~(keys[2 * i] as number) >>> 0;
    } else {
      keys[2 * i + 1] = (hi | 0x80000000) >>> 0;
    }
  }
  let spare = new Uint32Array(2 * n);
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) {
      const digit = ((keys[2 * i + word] as number) >>> shift) & 0xffff;
      count[digit] = (count[digit] as number) + 1;
    }
    // A digit every key shares leaves the order as it is: skip the pass.
    if (n > 0 && count[((keys[word] as number) >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d] as number;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const lo = keys[2 * i] as number;
      const hi = keys[2 * i + 1] as number;
      const digit = ((word === 0 ? lo : hi) >>> shift) & 0xffff;
      const at = count[digit] as number;
      count[digit] = at + 1;
      spare[2 * at] = lo;
      spare[2 * at + 1] = hi;
    }
    [keys, spare] = [spare, keys];
  }
  for (let i = 0; i < n; i++) {
    const hi = keys[2 * i + 1] as number;
    if (hi & 0x80000000) {
      keys[2 * i + 1] = (hi & 0x7fffffff) >>> 0;
    } else {
      keys[2 * i + 1] = ~hi >>> 0;
      keys[2 * i] = ~(keys[2 * i] as number) >>> 0;
    }
  }
  return new Float64Array(keys.buffer, 0, n);
}
