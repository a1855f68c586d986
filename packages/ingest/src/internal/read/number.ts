import { quoteCell } from './quote.js';

/**
 * Decimal parsing straight from bytes. For up to 15 significant digits the mantissa is an
 * exact integer and one division by an exact power of ten rounds correctly, so the result
 * equals `Number(text)`; longer or exponent forms fall back to `Number` on the decoded text.
 */

/**
 * Largest magnitude a price or volume may have: 1e15 (below 2^53, where integers stop being
 * exact). Nothing traded comes near it, and a larger cell (`1e308`, `1e400` → Infinity) is a
 * corrupt value that would overflow to Infinity in later arithmetic, far from the file and row
 * it came from; so the reader rejects it there.
 */
const MAX_BAR_VALUE = 1e15;

/** True for ±Infinity and finite values beyond MAX_BAR_VALUE (NaN is a missing cell, not this). */
export function outOfRange(value: number): boolean {
  return value > MAX_BAR_VALUE || value < -MAX_BAR_VALUE;
}

/** The reason given for an out-of-range cell. */
export function outOfRangeReason(cell: string): string {
  return `${quoteCell(cell)} is out of range (a price or volume must be finite and at most ${MAX_BAR_VALUE.toExponential()} in size)`;
}

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);
const decoder = new TextDecoder();

/**
 * Value of bytes[start, end): a number, NaN for an empty or missing-value cell
 * (`NaN`, `nan`, `NA`, `null`, `None`, `-`), or -Infinity as the sentinel for text.
 * A sentinel keeps the hot loop free of allocations and union return types.
 */
export function parseDecimal(bytes: Uint8Array, start: number, end: number, decimalComma: boolean): number {
  while (start < end && (bytes[start] === 0x20 || bytes[start] === 0x22)) start++;
  while (end > start && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0x22 || bytes[end - 1] === 0x0d)) end--;
  if (start === end) return Number.NaN;
  let i = start;
  let negative = false;
  const first = bytes[i] as number;
  if (first === 0x2d || first === 0x2b) {
    negative = first === 0x2d;
    i++;
  }
  let mantissa = 0;
  let significant = 0;
  let fractionDigits = 0;
  let sawDigit = false;
  let sawPoint = false;
  for (; i < end; i++) {
    const c = bytes[i] as number;
    const d = c - 0x30;
    if (d >= 0 && d <= 9) {
      sawDigit = true;
      if (mantissa !== 0 || d !== 0) significant++;
      mantissa = mantissa * 10 + d;
      if (sawPoint) fractionDigits++;
    } else if ((c === 0x2e || (decimalComma && c === 0x2c)) && !sawPoint) {
      sawPoint = true;
    } else {
      break;
    }
  }
  if (i === end && sawDigit && significant <= 15 && fractionDigits < POWERS_OF_TEN.length) {
    const value = fractionDigits === 0 ? mantissa : mantissa / (POWERS_OF_TEN[fractionDigits] as number);
    return negative ? -value : value;
  }
  return parseSlow(bytes, start, end, decimalComma);
}

/** Where the last `scanDecimal` stopped: a module variable, so a scan returns two values without allocating. */
export let scanEnd = 0;

/**
 * The fast path's number reader: a plain decimal from `start` up to a delimiter, CR or LF,
 * with `scanEnd` left on that terminator. An empty cell is NaN. Anything else (signs
 * other than a leading minus, exponents, text, quotes, > 15 digits) returns -Infinity,
 * telling the caller to take the general path, which knows every form and every error.
 */
export function scanDecimal(bytes: Uint8Array, start: number, end: number, delimiter: number): number {
  let i = start;
  let negative = false;
  if (i < end && bytes[i] === 0x2d) {
    negative = true;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = -1;
  for (; i < end; i++) {
    const d = (bytes[i] as number) - 0x30;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      if (fractionDigits >= 0) fractionDigits++;
    } else if (d === -2 && fractionDigits < 0) {
      fractionDigits = 0;
    } else break;
  }
  scanEnd = i;
  if (i < end) {
    const c = bytes[i] as number;
    if (c !== delimiter && c !== 0x0a && c !== 0x0d) return Number.NEGATIVE_INFINITY;
  }
  if (digits === 0) return i === start ? Number.NaN : Number.NEGATIVE_INFINITY;
  if (digits > 15) return Number.NEGATIVE_INFINITY;
  const value = fractionDigits <= 0 ? mantissa : mantissa / (POWERS_OF_TEN[fractionDigits] as number);
  return negative ? -value : value;
}

function parseSlow(bytes: Uint8Array, start: number, end: number, decimalComma: boolean): number {
  let text = decoder.decode(bytes.subarray(start, end));
  if (/^(nan|na|n\/a|null|none|-)$/i.test(text)) return Number.NaN;
  if (decimalComma) text = text.replace(',', '.');
  // Number() accepts '0x1f', 'Infinity' and '  ' — none of which is a price.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Number.NEGATIVE_INFINITY;
  return Number(text);
}
