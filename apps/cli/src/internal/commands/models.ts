import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { artifactPath, readJsonArtifact, trainModelDir, trainSummary } from '@tribar/artifacts';
import { RunNotFoundError, UsageError } from '@tribar/core';
import { createDefaultRegistry, readMlmodel, type HyperparameterSpec, type Mlmodel } from '@tribar/models';
import { getRun, latestRun } from '@tribar/pipeline';
import type { CliContext } from '../context.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { formatTable, print } from '../io.js';

const describeRange = (spec: HyperparameterSpec): string => {
  switch (spec.kind) {
    case 'int':
    case 'float':
      return `[${spec.range[0]}, ${spec.range[1]}]${spec.log ? ' log' : ''}`;
    case 'enum':
      return spec.values.join(' | ');
    case 'bool':
      return 'true | false';
    case 'int-list':
      return 'list of positive whole numbers';
  }
};

/** `tribar models`: every registered family's card. */
export async function modelsCommand(context: CliContext, options: { json?: boolean }): Promise<ExitCode> {
  const cards = createDefaultRegistry().list();
  if (options.json) {
    print(context.io.out, JSON.stringify(cards, null, 2));
    return EXIT.ok;
  }
  for (const card of cards) {
    const aliases = card.aliases?.length ? ` (aliases: ${card.aliases.join(', ')})` : '';
    print(context.io.out, `${card.name}${aliases}: ${card.family}, ${card.inputKind} input. ${card.description}`);
    const rows = Object.entries(card.hyperparameters).map(([key, spec]) => [
      key,
      JSON.stringify(spec.default),
      describeRange(spec),
      spec.description,
    ]);
    print(context.io.out, formatTable(['hyperparameter', 'default', 'range', 'meaning'], rows));
    print(context.io.out, '');
  }
  return EXIT.ok;
}

export interface ModelsShowOptions {
  runsDir: string;
  json?: boolean;
}

/** One saved model of a run as `tribar models show` reports it. */
interface SavedModelView {
  model: string;
  symbol: string;
  horizon: number;
  dir: string;
  /** Null for a folder saved before Tribar wrote MLmodel files (it still loads through tribar-model.json). */
  mlmodel: Mlmodel | null;
}

/** `tribar models show [run]`: every saved model of a run (default: the latest) read back from its MLmodel file. */
export async function modelsShowCommand(context: CliContext, run: string | undefined, options: ModelsShowOptions): Promise<ExitCode> {
  const { io } = context;
  const runsDir = resolve(io.cwd, options.runsDir);
  const found = run ? await getRun(runsDir, run) : await latestRun(runsDir);
  if (!found) throw new RunNotFoundError(run ?? 'latest', runsDir);
  if (!existsSync(artifactPath(found.runDir, trainSummary))) {
    throw new UsageError(`run ${found.runId} has no trained models (no ${trainSummary.path})`, {
      hint: 'Train with `tribar train --run <id> --model <name>` or a config whose train.models names models.',
    });
  }
  const summary = await readJsonArtifact(found.runDir, trainSummary);
  const views: SavedModelView[] = [];
  for (const { model, symbol, horizon } of summary.results) {
    const dir = artifactPath(found.runDir, trainModelDir(model, symbol, horizon));
    views.push({ model, symbol, horizon, dir, mlmodel: (await readMlmodel(dir)) ?? null });
  }
  if (options.json) {
    print(io.out, JSON.stringify({ runId: found.runId, models: views }, null, 2));
    return EXIT.ok;
  }
  print(io.out, `run ${found.runId}: ${views.length} saved model(s)`);
  for (const view of views) {
    print(io.out, '');
    print(io.out, `${view.model}-${view.symbol}-h${view.horizon}  ${view.dir}`);
    if (view.mlmodel === null) {
      print(io.out, '  no MLmodel file: saved before the MLflow model layout; it still loads (tribar-model.json). Re-train to add it.');
      continue;
    }
    const { mlmodel } = view;
    const tensor = mlmodel.inputs.find((input) => input['tensor-spec'] !== undefined)?.['tensor-spec'];
    const columns = mlmodel.inputs.filter((input) => input.name !== undefined).map((input) => input.name as string);
    const signature = tensor
      ? `tensor ${tensor.dtype} [${tensor.shape.join(', ')}]`
      : `${columns.length} ${mlmodel.inputs[0]?.type ?? ''} column(s): ${columns.slice(0, 6).join(', ')}${columns.length > 6 ? ', …' : ''}`;
    const tribar = mlmodel.flavors['tribar'] ?? {};
    print(
      io.out,
      formatTable(
        ['field', 'value'],
        [
          ['flavors', Object.keys(mlmodel.flavors).join(', ')],
          ['family', String(tribar['family'] ?? '?')],
          ['artifact path', mlmodel.artifactPath],
          ['input', signature],
          [
            'output',
            mlmodel.outputs
              .map((o) => (o['tensor-spec'] ? `tensor ${o['tensor-spec'].dtype} [${o['tensor-spec'].shape.join(', ')}]` : o.type))
              .join('; '),
          ],
          ['size', `${mlmodel.modelSizeBytes} bytes`],
          ['model uuid', mlmodel.modelUuid],
        ],
      ),
    );
  }
  return EXIT.ok;
}
