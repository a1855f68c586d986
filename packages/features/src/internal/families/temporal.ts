import { spec, type FamilyBuilder, type FeatureGroup } from '../registry.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A cyclic encoding of an integer calendar field in [0, period): sin/cos looked up, not recomputed per bar. */
function cyclic(name: string, text: string, value: (t: number) => number, period: number): FeatureGroup {
  const sinTable = new Float64Array(period);
  const cosTable = new Float64Array(period);
  for (let k = 0; k < period; k++) {
    sinTable[k] = Math.sin((2 * Math.PI * k) / period);
    cosTable[k] = Math.cos((2 * Math.PI * k) / period);
  }
  return {
    family: 'temporal',
    features: [
      spec('temporal', `${name}_sin`, 'temporal', 0, `sin(2π·${text}/${period}).`),
      spec('temporal', `${name}_cos`, 'temporal', 0, `cos(2π·${text}/${period}).`),
    ],
    compute: ({ bars }) => {
      const n = bars.timestamp.length;
      const s = new Float64Array(n);
      const c = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const k = value(bars.timestamp[i] as number);
        s[i] = sinTable[k] as number;
        c[i] = cosTable[k] as number;
      }
      return [s, c];
    },
  };
}

// Floor divisions instead of `%` on epoch milliseconds (a double fmod is several times slower).
function utcHour(t: number): number {
  return Math.floor(t / HOUR_MS) - Math.floor(t / DAY_MS) * 24;
}

function utcMinute(t: number): number {
  return Math.floor(t / MINUTE_MS) - Math.floor(t / HOUR_MS) * 60;
}

/** Calendar encodings of the bar start in UTC and the original's UTC-hour session buckets (§4.2). */
export const temporalFamily: FamilyBuilder = () => {
  const buckets: [string, number, number][] = [
    ['session_asia', 0, 8],
    ['session_london', 8, 16],
    ['session_ny', 16, 24],
  ];
  return [
    cyclic('hour', 'UTC hour', utcHour, 24),
    cyclic('minute', 'minute', utcMinute, 60),
    // Epoch day 0 (1970-01-01) was a Thursday: Monday = 0 as pandas' dayofweek.
    cyclic(
      'dayofweek',
      'weekday (Monday = 0)',
      (t) => {
        const day = Math.floor(t / DAY_MS) + 3;
        return day - Math.floor(day / 7) * 7;
      },
      7,
    ),
    {
      family: 'temporal',
      features: buckets.map(([name, from, to]) =>
        spec('temporal', name, 'binary', 0, `1 if the UTC hour is in [${from}, ${to}).`, { flag: true }),
      ),
      compute: ({ bars }) =>
        buckets.map(([, from, to]) => {
          const out = new Float64Array(bars.timestamp.length);
          for (let i = 0; i < out.length; i++) {
            const h = utcHour(bars.timestamp[i] as number);
            out[i] = h >= from && h < to ? 1 : 0;
          }
          return out;
        }),
    },
  ];
};
