// Reads the workspace's packages: shared by the scaffolding script and the conformance test.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const workspaceRoot = resolve(import.meta.dirname, '../..');
export const WORKSPACE_GROUPS = ['packages', 'apps', 'tools'];
export const LAYERS = ['foundation', 'data', 'ml', 'orchestration', 'app', 'tools'];

/**
 * @param {string} [root]
 * @returns {{ dir: string, group: string, manifest: Record<string, any> }[]}
 */
export function workspacePackages(root = workspaceRoot) {
  const found = [];
  for (const group of WORKSPACE_GROUPS) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) {
      const manifestPath = join(base, name, 'package.json');
      if (!existsSync(manifestPath)) continue;
      found.push({ dir: join(base, name), group, manifest: JSON.parse(readFileSync(manifestPath, 'utf8')) });
    }
  }
  return found;
}
