import { logReturn, pctChange } from '../kernels/elementwise.js';
import { single, spec, type FamilyBuilder, type FeatureGroup } from '../registry.js';

/** `return_p` = C.pct_change(p) and `log_return_p` = ln(C/C₋ₚ) (§4.2), for each configured period. */
export const returnsFamily: FamilyBuilder = ({ config }) =>
  config.returns.flatMap((p): FeatureGroup[] => [
    single(spec('returns', `return_${p}`, 'returns', p, `Simple return over ${p} bars: C/C[-${p}] − 1.`), (input) =>
      pctChange(input.bars.close, p),
    ),
    single(spec('returns', `log_return_${p}`, 'returns', p, `Log return over ${p} bars: ln(C/C[-${p}]).`), (input) =>
      logReturn(input.bars.close, p),
    ),
  ]);
