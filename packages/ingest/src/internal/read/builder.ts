import type { Bars } from '@tribar/market';

/**
 * Growable parallel Float64 columns. Capacity doubles when full, so appends stay O(1)
 * amortised without a JS array of per-row objects; `finish` trims to the row count.
 */
export class BarsBuilder {
  length = 0;
  timestamp: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;

  constructor(initialCapacity = 1 << 16) {
    const capacity = Math.max(16, Math.ceil(initialCapacity));
    this.timestamp = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = new Float64Array(capacity);
  }

  /** Make room for one more row; returns its index. */
  next(): number {
    if (this.length === this.timestamp.length) this.grow();
    return this.length++;
  }

  /** Set the capacity to `capacity` rows (never below the rows held), e.g. from an estimate. */
  resize(capacity: number): void {
    this.reallocate(Math.max(this.length, Math.ceil(capacity), 16));
  }

  private grow(): void {
    this.reallocate(this.timestamp.length * 2);
  }

  private reallocate(capacity: number): void {
    const length = this.length;
    const grow = (old: Float64Array): Float64Array => {
      const next = new Float64Array(capacity);
      next.set(old.subarray(0, length));
      return next;
    };
    this.timestamp = grow(this.timestamp);
    this.open = grow(this.open);
    this.high = grow(this.high);
    this.low = grow(this.low);
    this.close = grow(this.close);
    this.volume = grow(this.volume);
  }

  finish(symbol: string): Bars {
    const n = this.length;
    // Within 5 % of capacity a view is kept (the spare tail is cheaper than copying 6 columns of
    // a 5.7M-row file); otherwise `slice` copies and releases the spare capacity.
    const keepView = n >= this.timestamp.length * 0.95;
    const trim = (column: Float64Array): Float64Array =>
      column.length === n ? column : keepView ? column.subarray(0, n) : column.slice(0, n);
    return {
      symbol,
      timestamp: trim(this.timestamp),
      open: trim(this.open),
      high: trim(this.high),
      low: trim(this.low),
      close: trim(this.close),
      volume: trim(this.volume),
      columns: {},
    };
  }
}
