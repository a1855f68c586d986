/** Text formatting shared by the HTML and Markdown renderers. */

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return value.toLocaleString('en-US');
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const percent = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)} %`;

/** A GitHub-flavoured Markdown table (pipes in cells escaped). */
export function markdownTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string>>): string {
  if (rows.length === 0) return '_Nothing to show._';
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

export interface HtmlTableOptions {
  /** Columns from this index (default 1) up to `numericTo` (default: all) are numbers, right-aligned. */
  numericFrom?: number;
  numericTo?: number;
  /** Class of the `<table>`, e.g. `nowrap` for wide tables that scroll sideways. */
  className?: string;
  /** Extra class of one cell (e.g. `low-sample` to grey a figure that says little). */
  cellClass?: (row: number, column: number) => string | undefined;
}

/** An HTML table of escaped cells; no rows gives a "Nothing to show." note instead. */
export function htmlTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string>>, options: HtmlTableOptions = {}): string {
  if (rows.length === 0) return '<p class="empty">Nothing to show.</p>';
  const { numericFrom = 1, numericTo = headers.length } = options;
  const classes = (r: number, i: number) => {
    const names = [i >= numericFrom && i < numericTo ? 'num' : undefined, r >= 0 ? options.cellClass?.(r, i) : undefined].filter(Boolean);
    return names.length > 0 ? ` class="${names.join(' ')}"` : '';
  };
  const head = headers.map((h, i) => `<th${classes(-1, i)}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row, r) => `<tr>${row.map((cell, i) => `<td${classes(r, i)}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table${options.className ? ` class="${options.className}"` : ''}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
