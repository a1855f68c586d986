// `tribar/no-artifact-path-literal`: run-folder paths and shared column names are spelled once, in
// `@tribar/artifacts`. A string literal such as 'splits/split.json' or a template such as `label_h${h}` anywhere
// else is a second spelling that can drift from the first (the review behind this rule found a reader looking
// for a field its writer never wrote).

/** The run folder's top-level entries: one folder per stage, plus the run's own files. */
export const RUN_FOLDERS = [
  'raw',
  'clean',
  'cut',
  'features',
  'labels-initial',
  'ga-optimize',
  'labels',
  'splits',
  'scale',
  'validate',
  'train',
  'report',
  'logs',
];
export const RUN_FILES = ['state.json', 'config.json', 'manifest.json'];
/** Prefixes of the per-horizon columns every stage after labels shares. */
export const COLUMN_PREFIXES = [
  'label_h',
  'split_h',
  'bars_to_hit_h',
  'mae_h',
  'mfe_h',
  'touch_type_h',
  'label_end_index_h',
  'label_end_time_h',
  'fwd_return_h',
  'quality_h',
  'sample_weight_h',
  'pain_to_gain_h',
  'time_weighted_dd_h',
  'uniqueness_h',
  'return_weight_h',
  'decay_weight_h',
];

const folderPattern = new RegExp(`^(?:${RUN_FOLDERS.map((f) => f.replace('-', '\\-')).join('|')})/`);

const fileExtension = /\.[a-z]+$/;

/**
 * Why a literal (or a template: its first and last quasis) spells an artifact, or undefined. A path needs a
 * file extension (or, in a template, a folder prefix right before the first placeholder), so metric names such
 * as 'train/loss' or 'val/f1' are not paths.
 */
export function artifactSpelling(text, { template = false, last = text } = {}) {
  if (folderPattern.test(text) && (fileExtension.test(last) || (template && text.endsWith('/')))) return `run-folder path '${text}…'`;
  if (RUN_FILES.includes(text)) return `run file '${text}'`;
  for (const prefix of COLUMN_PREFIXES) {
    if (template ? text === prefix : new RegExp(`^${prefix}\\d+$`).test(text)) return `shared column '${text}…'`;
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export const noArtifactPathLiteral = {
  meta: {
    type: 'problem',
    docs: { description: 'artifact paths and shared column names come from @tribar/artifacts' },
    schema: [],
    messages: {
      literal: '{{what}} is spelled here: use the descriptor from @tribar/artifacts, the one place it is spelled.',
    },
  },
  create(context) {
    return {
      Literal(node) {
        if (typeof node.value !== 'string') return;
        // Import sources and `export … from` are module names, not artifacts.
        const parent = node.parent;
        if (
          parent &&
          (parent.type === 'ImportDeclaration' || parent.type === 'ExportNamedDeclaration' || parent.type === 'ExportAllDeclaration')
        )
          return;
        const what = artifactSpelling(node.value);
        if (what) context.report({ node, messageId: 'literal', data: { what } });
      },
      TemplateLiteral(node) {
        const first = node.quasis[0]?.value.cooked ?? '';
        const last = node.quasis.at(-1)?.value.cooked ?? '';
        const what = artifactSpelling(first, { template: node.expressions.length > 0, last });
        if (what) context.report({ node, messageId: 'literal', data: { what } });
      },
    };
  },
};
