/** One generation as the chart needs it; undefined where no individual was valid. */
interface ConvergencePoint {
  generation: number;
  best: number | undefined;
  meanValid: number | undefined;
  validShare: number;
}

export interface ChartInput {
  title: string;
  convergence: readonly ConvergencePoint[];
  /** Label shares of the best parameters on the whole train part, in [0, 1]. */
  mix: { long: number; short: number; neutral: number };
  neutralBand: readonly [number, number];
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fixed = (value: number) => (Math.round(value * 100) / 100).toString();

function niceRange(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (high - low < 1e-9) {
    low -= 0.5;
    high += 0.5;
  }
  const pad = (high - low) * 0.08;
  return [low - pad, high + pad];
}

/**
 * The convergence chart (the original's PNG, as SVG text): left, best fitness and the mean over
 * valid individuals per generation, with the share of valid individuals; right, the label mix of
 * the best parameters on the train part beside the neutral band. Invalid scores (≈ −10⁶) are
 * left out of the fitness axis so they do not flatten it.
 */
export function convergenceSvg(input: ChartInput): string {
  const width = 900;
  const height = 340;
  const plot = { left: 70, top: 40, width: 520, height: 240 };
  const generations = Math.max(1, input.convergence.length - 1);
  const finite = input.convergence.flatMap((point) => [point.best, point.meanValid]).filter((v): v is number => v !== undefined);
  const [low, high] = niceRange(finite);
  const x = (generation: number) => plot.left + (generation / generations) * plot.width;
  const y = (value: number) => plot.top + plot.height - ((value - low) / (high - low)) * plot.height;
  const path = (pick: (point: ConvergencePoint) => number | undefined) => {
    let d = '';
    let pen = 'M';
    for (const point of input.convergence) {
      const value = pick(point);
      if (value === undefined) {
        pen = 'M';
        continue;
      }
      d += `${pen}${fixed(x(point.generation))},${fixed(y(value))} `;
      pen = 'L';
    }
    return d.trim();
  };
  const share = (point: ConvergencePoint) => plot.top + plot.height - point.validShare * plot.height;
  const validPath = input.convergence
    .map((point, i) => `${i === 0 ? 'M' : 'L'}${fixed(x(point.generation))},${fixed(share(point))}`)
    .join(' ');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${plot.left}" y="22" font-size="15" font-weight="bold">${escape(input.title)}</text>`,
    `<rect x="${plot.left}" y="${plot.top}" width="${plot.width}" height="${plot.height}" fill="none" stroke="#999"/>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const value = low + ((high - low) * t) / 4;
    parts.push(`<text x="${plot.left - 6}" y="${fixed(y(value) + 4)}" text-anchor="end">${value.toPrecision(3)}</text>`);
  }
  if (low < 0 && high > 0) {
    parts.push(
      `<line x1="${plot.left}" x2="${plot.left + plot.width}" y1="${fixed(y(0))}" y2="${fixed(y(0))}" stroke="#bbb" stroke-dasharray="3 3"/>`,
    );
  }
  parts.push(
    `<path d="${validPath}" fill="none" stroke="#bbb" stroke-width="1"/>`,
    `<path d="${path((point) => point.meanValid)}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>`,
    `<path d="${path((point) => point.best)}" fill="none" stroke="#d62728" stroke-width="2"/>`,
    `<text x="${plot.left + plot.width / 2}" y="${plot.top + plot.height + 32}" text-anchor="middle">generation (0 … ${generations})</text>`,
    `<text x="${plot.left + 8}" y="${plot.top + 16}" fill="#d62728">best fitness</text>`,
    `<text x="${plot.left + 100}" y="${plot.top + 16}" fill="#1f77b4">mean of valid</text>`,
    `<text x="${plot.left + 200}" y="${plot.top + 16}" fill="#888">share valid (0–100 %)</text>`,
  );
  if (finite.length === 0) {
    parts.push(
      `<text x="${plot.left + plot.width / 2}" y="${plot.top + plot.height / 2}" text-anchor="middle" fill="#d62728">no valid individual</text>`,
    );
  }
  // Right panel: label mix on the train part, 0–100 %.
  const bars = { left: 660, top: plot.top, width: 200, height: plot.height };
  const barY = (fraction: number) => bars.top + bars.height - fraction * bars.height;
  parts.push(`<rect x="${bars.left}" y="${bars.top}" width="${bars.width}" height="${bars.height}" fill="none" stroke="#999"/>`);
  const entries: [string, number, string][] = [
    ['Long', input.mix.long, '#2ca02c'],
    ['Short', input.mix.short, '#d62728'],
    ['Neutral', input.mix.neutral, '#7f7f7f'],
  ];
  entries.forEach(([name, fraction, colour], i) => {
    const left = bars.left + 15 + i * 62;
    parts.push(
      `<rect x="${left}" y="${fixed(barY(fraction))}" width="45" height="${fixed(fraction * bars.height)}" fill="${colour}"/>`,
      `<text x="${left + 22}" y="${fixed(barY(fraction) - 4)}" text-anchor="middle">${(fraction * 100).toFixed(1)} %</text>`,
      `<text x="${left + 22}" y="${bars.top + bars.height + 16}" text-anchor="middle">${name}</text>`,
    );
  });
  for (const edge of input.neutralBand) {
    parts.push(
      `<line x1="${bars.left}" x2="${bars.left + bars.width}" y1="${fixed(barY(edge))}" y2="${fixed(barY(edge))}" stroke="#555" stroke-dasharray="4 3"/>`,
    );
  }
  parts.push(
    `<text x="${bars.left + bars.width / 2}" y="${bars.top + bars.height + 32}" text-anchor="middle">train-part labels (dashed: neutral band)</text>`,
    '</svg>',
  );
  return parts.join('\n') + '\n';
}
