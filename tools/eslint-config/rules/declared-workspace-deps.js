// `tribar/declared-workspace-deps`: an import of a workspace package (`@tribar/*`) must be declared in the
// importing package's package.json. npm workspaces hoist every package into the root node_modules, so an
// undeclared import resolves here and breaks only for the user who installs the package from a registry.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

const manifests = new Map();

/** The nearest package.json above `file`, parsed once per lint process. */
function nearestManifest(file) {
  let dir = dirname(file);
  for (;;) {
    if (manifests.has(dir)) return manifests.get(dir);
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      const manifest = { path, dir, json: JSON.parse(readFileSync(path, 'utf8')) };
      manifests.set(dir, manifest);
      return manifest;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `@scope/name/sub/path` → `@scope/name`. */
function packageName(source) {
  return source.split('/').slice(0, 2).join('/');
}

/** @type {import('eslint').Rule.RuleModule} */
export const declaredWorkspaceDeps = {
  meta: {
    type: 'problem',
    docs: { description: 'workspace packages a file imports are declared in its package.json' },
    schema: [],
    messages: {
      undeclared:
        '\'{{name}}\' is imported here but not declared in {{manifest}}: add it to {{field}} ("{{name}}": "^<its version>"), or a registry install of {{self}} breaks.',
    },
  },
  create(context) {
    const manifest = nearestManifest(context.filename);
    // The workspace root's manifest declares no packages of its own; files outside a package are tooling.
    if (manifest === undefined || manifest.json.workspaces !== undefined) return {};
    const { json } = manifest;
    const inSource = relative(manifest.dir, context.filename).split(sep)[0] === 'src';
    const declared = new Set([
      json.name,
      ...Object.keys(json.dependencies ?? {}),
      ...Object.keys(json.peerDependencies ?? {}),
      ...Object.keys(json.optionalDependencies ?? {}),
      // Tests, benchmarks and configs may use dev dependencies; published sources may not.
      ...(inSource ? [] : Object.keys(json.devDependencies ?? {})),
    ]);
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('@tribar/')) return;
      const name = packageName(source);
      if (declared.has(name)) return;
      context.report({
        node,
        messageId: 'undeclared',
        data: {
          name,
          manifest: relative(process.cwd(), manifest.path) || 'package.json',
          field: inSource ? 'dependencies' : 'dependencies or devDependencies',
          self: json.name ?? 'this package',
        },
      });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
