import { ratio } from '../kernels/elementwise.js';
import { single, spec, type FamilyBuilder } from '../registry.js';

/** `hl_ratio` = H/L, `co_ratio` = C/O, `range_pct` = (H−L)/C (§4.2). */
export const ratiosFamily: FamilyBuilder = () => [
  single(spec('ratios', 'hl_ratio', 'unbounded', 0, 'High over low.'), (input) => ratio(input.bars.high, input.bars.low)),
  single(spec('ratios', 'co_ratio', 'unbounded', 0, 'Close over open.'), (input) => ratio(input.bars.close, input.bars.open)),
  single(spec('ratios', 'range_pct', 'returns', 0, 'Bar range over close: (H − L)/C.'), (input) => {
    const { high, low, close } = input.bars;
    const range = new Float64Array(close.length);
    for (let i = 0; i < range.length; i++) range[i] = (high[i] as number) - (low[i] as number);
    return ratio(range, close);
  }),
];
