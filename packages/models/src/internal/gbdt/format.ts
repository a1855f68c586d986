// The saved forms of an ensemble: `gbdt.json` (ours: exact float64 leaf values, so a loaded model
// predicts bit for bit what the saved one did) and XGBoost's JSON model format, which Python's
// xgboost loads (`xgboost.Booster(model_file=…)`) and predicts with to float32 precision.
import { ArtifactError } from '@tribar/core';
import { NUM_CLASSES } from '../types.js';
import type { Ensemble } from './booster.js';
import type { Tree } from './tree.js';

export const GBDT_MODEL_FILE = 'gbdt.json';
export const XGBOOST_EXPORT_FILE = 'xgboost.json';
const FORMAT = 'tribar-gbdt';
const VERSION = 1;

const TREE_FIELDS = ['feature', 'bin', 'threshold', 'defaultLeft', 'left', 'right', 'value', 'gain', 'hess', 'count'] as const;

export function ensembleToJson(ensemble: Ensemble): string {
  const trees = ensemble.trees.map((t) => {
    const out: Record<string, unknown> = {};
    for (const field of TREE_FIELDS) out[field] = Array.from(t[field]);
    if (t.obliviousDepth !== undefined) out['obliviousDepth'] = t.obliviousDepth;
    return out;
  });
  return `${JSON.stringify({ format: FORMAT, version: VERSION, numFeatures: ensemble.numFeatures, baseMargin: ensemble.baseMargin, trees })}\n`;
}

export function ensembleFromJson(text: string, path: string): Ensemble {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ArtifactError('not JSON', path, { cause: error, hint: 'Save the model again.' });
  }
  const doc = raw as { format?: unknown; version?: unknown; numFeatures?: unknown; baseMargin?: unknown; trees?: unknown };
  if (doc.format !== FORMAT || doc.version !== VERSION) {
    throw new ArtifactError(`format ${JSON.stringify(doc.format)} v${JSON.stringify(doc.version)} is not ${FORMAT} v${VERSION}`, path, {
      hint: 'Re-train and save with this version.',
    });
  }
  const numFeatures = doc.numFeatures;
  if (typeof numFeatures !== 'number' || !Number.isInteger(numFeatures) || numFeatures < 1)
    throw new ArtifactError('field numFeatures is not a positive integer', path);
  const base = doc.baseMargin;
  if (!Array.isArray(base) || base.length !== NUM_CLASSES || !base.every((v) => typeof v === 'number')) {
    throw new ArtifactError(`field baseMargin is not ${NUM_CLASSES} numbers`, path);
  }
  if (!Array.isArray(doc.trees) || doc.trees.length % NUM_CLASSES !== 0)
    throw new ArtifactError(`field trees is not a list of ${NUM_CLASSES} trees per round`, path);
  const trees = doc.trees.map((t: Record<string, unknown>, i: number) => readTree(t, i, numFeatures, path));
  return { numFeatures, baseMargin: base as number[], trees };
}

function readTree(t: Record<string, unknown>, i: number, numFeatures: number, path: string): Tree {
  const nodes = Array.isArray(t['value']) ? t['value'].length : 0;
  const get = (field: string): number[] => {
    const v = t[field];
    if (!Array.isArray(v) || v.length !== nodes || nodes === 0 || !v.every((e) => typeof e === 'number')) {
      throw new ArtifactError(`field trees[${i}].${field} is not ${nodes || 'a list of'} numbers`, path);
    }
    return v as number[];
  };
  const tree: Tree = {
    feature: Int32Array.from(get('feature')),
    bin: Int32Array.from(get('bin')),
    threshold: Float32Array.from(get('threshold')),
    defaultLeft: Uint8Array.from(get('defaultLeft')),
    left: Int32Array.from(get('left')),
    right: Int32Array.from(get('right')),
    value: Float64Array.from(get('value')),
    gain: Float64Array.from(get('gain')),
    hess: Float64Array.from(get('hess')),
    count: Float64Array.from(get('count')),
  };
  for (let n = 0; n < nodes; n++) {
    const l = tree.left[n] as number;
    const r = tree.right[n] as number;
    if (l >= 0 && (l <= n || l >= nodes || r <= n || r >= nodes || (tree.feature[n] as number) >= numFeatures)) {
      throw new ArtifactError(`field trees[${i}] node ${n} points outside the tree`, path);
    }
  }
  if (typeof t['obliviousDepth'] === 'number') tree.obliviousDepth = t['obliviousDepth'];
  return tree;
}

/**
 * XGBoost's JSON model (the schema of xgboost 1.7's `save_model('….json')`): gbtree, multi:softprob,
 * trees round-major with `tree_info` = class. Leaf values are float32 there; the starting margins
 * are folded into the first round's leaves (base_score 0.5 is added to every class, which the
 * softmax ignores).
 */
export function ensembleToXGBoostJson(ensemble: Ensemble, featureNames: readonly string[], bestIteration: number): string {
  const f32 = Math.fround;
  const trees = ensemble.trees.map((t, id) => {
    const nodes = t.value.length;
    const shift = id < NUM_CLASSES ? (ensemble.baseMargin[id] as number) : 0;
    const parents = new Array<number>(nodes).fill(2147483647);
    for (let n = 0; n < nodes; n++) {
      if ((t.left[n] as number) >= 0) {
        parents[t.left[n] as number] = n;
        parents[t.right[n] as number] = n;
      }
    }
    const isLeaf = (n: number) => (t.left[n] as number) < 0;
    const values = Array.from(t.value, (v, n) => f32(isLeaf(n) ? v + shift : v));
    return {
      base_weights: floats(values),
      categories: [],
      categories_nodes: [],
      categories_segments: [],
      categories_sizes: [],
      default_left: Array.from(t.defaultLeft),
      id,
      left_children: Array.from(t.left),
      loss_changes: floats(Array.from(t.gain, (g, n) => (isLeaf(n) ? 0 : f32(g)))),
      parents,
      right_children: Array.from(t.right),
      // A leaf's split condition is its value; an all-values-left split's threshold is float32's largest.
      split_conditions: floats(Array.from(t.threshold, (v, n) => (isLeaf(n) ? (values[n] as number) : v))),
      split_indices: Array.from(t.feature, (f) => Math.max(f, 0)),
      split_type: new Array<number>(nodes).fill(0),
      sum_hessian: floats(Array.from(t.hess, f32)),
      tree_param: { num_deleted: '0', num_feature: String(ensemble.numFeatures), num_nodes: String(nodes), size_leaf_vector: '0' },
    };
  });
  const doc = {
    learner: {
      attributes: { best_iteration: String(bestIteration), best_ntree_limit: String(bestIteration + 1) },
      feature_names: [...featureNames],
      feature_types: [],
      gradient_booster: {
        model: {
          gbtree_model_param: { num_parallel_tree: '1', num_trees: String(trees.length), size_leaf_vector: '0' },
          tree_info: trees.map((_, i) => i % NUM_CLASSES),
          trees,
        },
        name: 'gbtree',
      },
      learner_model_param: {
        base_score: '5E-1',
        boost_from_average: '1',
        num_class: String(NUM_CLASSES),
        num_feature: String(ensemble.numFeatures),
        num_target: '1',
      },
      objective: { name: 'multi:softprob', softmax_multiclass_param: { num_class: String(NUM_CLASSES) } },
    },
    version: [1, 7, 4],
  };
  // XGBoost's JSON reader tells integers from reals: a real-valued field must be written with a
  // decimal point or exponent, so float arrays go in as marked strings and are unquoted here.
  return `${JSON.stringify(doc).replace(/"@floats:([^"]*)"/g, '[$1]')}\n`;
}

/** A float array for XGBoost's JSON: every value with a decimal point or exponent. */
function floats(values: number[]): string {
  return `@floats:${values
    .map((v) => {
      const s = String(v);
      return /[.eE]/.test(s) ? s : `${s}.0`;
    })
    .join(',')}`;
}
