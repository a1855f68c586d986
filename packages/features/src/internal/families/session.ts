import { safeDivide } from '../kernels/elementwise.js';
import { spec, type FamilyBuilder, type FeatureGroup } from '../registry.js';
import { typicalPrice } from './common.js';

const NaN_ = Number.NaN;
const MINUTE_MS = 60_000;

/**
 * Features from the CME Globex calendar (America/Chicago, DST-aware), beside the original's UTC
 * hour buckets: whether the bar starts in regular hours, how far into the session it is, and the
 * close against a VWAP that resets at the session open (the original's `vwap` resets at 00:00
 * UTC, in the middle of the Globex night session). Everything is a function of the bar's start
 * time and the published calendar, so it is known at the bar.
 */
export const sessionFamily: FamilyBuilder = ({ hasVolume }) => {
  const f = spec.bind(null, 'session');
  const groups: FeatureGroup[] = [
    {
      family: 'session',
      features: [
        f('is_rth', 'binary', 0, 'Bar starts in regular trading hours (08:30–15:00 CT equity, 07:20–12:30 CT metals).', { flag: true }),
        f(
          'minutes_since_session_open',
          'unbounded',
          0,
          'Minutes from the Globex session open (17:00 CT) to the bar start; NaN outside a session.',
        ),
        f('session_progress', 'temporal', 0, 'Fraction of the session elapsed at the bar start, in [0, 1).'),
      ],
      compute: ({ bars, calendar }) => {
        const n = bars.timestamp.length;
        const rth = new Float64Array(n).fill(NaN_);
        const minutes = new Float64Array(n).fill(NaN_);
        const progress = new Float64Array(n).fill(NaN_);
        if (calendar === undefined) return [rth, minutes, progress];
        for (let i = 0; i < n; i++) {
          const t = bars.timestamp[i] as number;
          const session = calendar.sessionAt(t);
          if (session === undefined) {
            rth[i] = 0;
            continue;
          }
          rth[i] = t >= session.regularStartMs && t < session.regularEndMs ? 1 : 0;
          minutes[i] = Math.floor((t - session.openMs) / MINUTE_MS);
          progress[i] = (t - session.openMs) / (session.closeMs - session.openMs);
        }
        return [rth, minutes, progress];
      },
    },
  ];
  if (hasVolume) {
    groups.push({
      family: 'session',
      features: [f('price_to_session_vwap', 'returns', 0, 'C/VWAP − 1 with the VWAP reset at each CME session open.')],
      compute: (input) => {
        const { bars, calendar } = input;
        const n = bars.timestamp.length;
        const out = new Float64Array(n).fill(NaN_);
        if (calendar === undefined) return [out];
        const tp = typicalPrice(input);
        let current = -2;
        let pv = 0;
        let vol = 0;
        for (let i = 0; i < n; i++) {
          const id = calendar.sessionOf(bars.timestamp[i] as number);
          if (id !== current) {
            current = id;
            pv = 0;
            vol = 0;
          }
          if (id < 0) continue;
          pv += (tp[i] as number) * (bars.volume[i] as number);
          vol += bars.volume[i] as number;
          out[i] = safeDivide(bars.close[i] as number, safeDivide(pv, vol)) - 1;
        }
        return [out];
      },
    });
  }
  return groups;
};
