import { describe, expect, it } from 'vitest';
import { convergenceSvg } from '../src/internal/svg.js';

describe('convergenceSvg', () => {
  const mix = { long: 0.4, short: 0.35, neutral: 0.25 };

  it('draws best and mean-of-valid lines, the valid share, and the label mix with the neutral band', () => {
    const svg = convergenceSvg({
      title: 'MES H5 <test>',
      convergence: [
        { generation: 0, best: 1.2, meanValid: 0.8, validShare: 0.4 },
        { generation: 1, best: 1.5, meanValid: 1.1, validShare: 0.9 },
      ],
      mix,
      neutralBand: [0.15, 0.4],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('MES H5 &lt;test&gt;');
    expect(svg).toContain('40.0 %');
    expect(svg).toContain('25.0 %');
    expect(svg.match(/stroke-dasharray="4 3"/g)).toHaveLength(2);
    expect(svg).not.toContain('no valid individual');
    expect(svg).not.toContain('NaN');
  });

  it('says so when no individual was ever valid, without NaN coordinates', () => {
    const svg = convergenceSvg({
      title: 'MGC H20',
      convergence: [
        { generation: 0, best: undefined, meanValid: undefined, validShare: 0 },
        { generation: 1, best: undefined, meanValid: undefined, validShare: 0 },
      ],
      mix,
      neutralBand: [0.15, 0.4],
    });
    expect(svg).toContain('no valid individual');
    expect(svg).not.toContain('NaN');
  });
});
