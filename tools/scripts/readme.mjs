// What a package's README promises a user: the install line it starts with and its first
// TypeScript example. Shared by the README tests and `release:check`, which runs each example in
// a fresh project that installed exactly what the install line names, under npm, pnpm and yarn.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} dir a package folder
 * @returns {{ install: string[] | null, example: string | null, imports: string[] }}
 *   install: the packages of the README's first line of code (`npm install a b …`), null when it
 *   does not start with one; example: the first ```ts block; imports: the packages that example
 *   imports (`node:` built-ins left out, deep imports reduced to their package).
 */
export function readmePromises(dir) {
  const text = readFileSync(join(dir, 'README.md'), 'utf8');
  // The install line comes first: the title, then a ```sh block whose first line installs.
  const head = /^# [^\n]*\n+```sh\n([^\n]*)\n/.exec(text);
  const installLine = head ? /^npm install ((?:@?[\w./-]+ *)+?)\s*(?:#.*)?$/.exec(head[1]) : null;
  const install = installLine ? installLine[1].trim().split(/\s+/) : null;
  const example = /```ts\n([\s\S]*?)```/.exec(text)?.[1] ?? null;
  const imports = [];
  for (const [, specifier] of (example ?? '').matchAll(/from '([^']+)'/g)) {
    if (specifier.startsWith('node:') || specifier.startsWith('.')) continue;
    const parts = specifier.split('/');
    const pkg = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
    if (!imports.includes(pkg)) imports.push(pkg);
  }
  return { install, example, imports };
}
