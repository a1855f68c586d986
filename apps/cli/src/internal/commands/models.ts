import { createDefaultRegistry, type HyperparameterSpec } from '@tribar/models';
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
