/**
 * A cell's text as error messages quote it: control characters (NUL, escape, line breaks,
 * C1 controls, the Unicode line separators) escaped as `\u0000`, so a bad byte neither
 * vanishes nor drives the terminal, and at most QUOTED_CHARS characters, so a 1 MiB cell
 * does not become a 1 MiB message.
 */
const QUOTED_CHARS = 60;

// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const escapeControl = (ch: string): string => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `text` quoted for a message: `'…'`, controls escaped, long text cut with its length noted. */
export function quoteCell(text: string): string {
  const shown = text.length > QUOTED_CHARS ? `${text.slice(0, QUOTED_CHARS)}…` : text;
  const suffix = text.length > QUOTED_CHARS ? ` (${text.length} characters)` : '';
  return `'${shown.replace(CONTROL, escapeControl)}'${suffix}`;
}

/** Controls escaped and cut like `quoteCell`, without quotes: for names shown in a list (header cells). */
export function showName(text: string): string {
  const shown = text.length > QUOTED_CHARS ? `${text.slice(0, QUOTED_CHARS)}…` : text;
  return shown.replace(CONTROL, escapeControl);
}
