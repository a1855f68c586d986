import {
  artifactPath,
  cut,
  labelBars,
  labelColumn,
  readJsonArtifact,
  SPLIT_CODE_NAMES,
  SPLIT_TEST,
  SPLIT_TRAIN,
  SPLIT_VAL,
  splitBars,
  splitColumn,
  splitSummary,
  STAGE,
  writeArrowArtifact,
  writeJsonArtifact,
  type HorizonSplitSummary,
  type SplitShares,
  type SplitSummaryFile,
  labelEndTimeColumn,
  TIMESTAMP_COLUMN,
} from '@tribar/artifacts';
import type { RunConfig } from '@tribar/config';
import { DataError, defineStage, float64Column, readArrowFile, type StageContext, type StageDefinition } from '@tribar/core';
import type { CalendarCuts } from '@tribar/market';
import { Field, Int8, makeData, RecordBatch, Schema, Struct, Table, TimestampMillisecond } from 'apache-arrow';
import { assignSplits, countCodes, type SplitCounts } from './assign.js';

/** What the splits stage reads of a label file: times, and per horizon the label and its end time. */
interface SplitInput {
  symbol: string;
  timestamp: Float64Array;
  horizons: Record<string, { label: Float64Array; labelEndTime: Float64Array }>;
}

function column(table: Table, name: string, file: string): Float64Array {
  return float64Column(table, name, file, `Re-run the ${STAGE.labelsFinal} stage.`);
}

/** Read the columns the splits need from `labels/<S>.arrow`; times must be finite and strictly ascending. */
function readSplitInput(table: Table, symbol: string, horizons: readonly number[], file: string): SplitInput {
  const timestamp = column(table, TIMESTAMP_COLUMN, file);
  for (let i = 0; i < timestamp.length; i++) {
    const t = timestamp[i] as number;
    if (!Number.isFinite(t) || (i > 0 && !(t > (timestamp[i - 1] as number)))) {
      throw new DataError('timestamps must be finite and strictly ascending', { file, row: i + 1, field: TIMESTAMP_COLUMN });
    }
  }
  if (timestamp.length === 0) throw new DataError('no rows', { file }, { hint: `Check the ${STAGE.labelsFinal} stage output.` });
  const byHorizon: SplitInput['horizons'] = {};
  for (const h of horizons) {
    byHorizon[String(h)] = { label: column(table, labelColumn(h), file), labelEndTime: column(table, labelEndTimeColumn(h), file) };
  }
  return { symbol, timestamp, horizons: byHorizon };
}

/** `splits/<S>.arrow`: `timestamp` (UTC ms) and one int8 `split_h{h}` per horizon, symbol in the metadata. */
function splitTable(symbol: string, timestamp: Float64Array, codes: ReadonlyArray<[horizon: number, codes: Int8Array]>): Table {
  const n = timestamp.length;
  const timeType = new TimestampMillisecond('UTC');
  const fields: Field[] = [new Field(TIMESTAMP_COLUMN, timeType, false)];
  const children = [
    makeData({ type: timeType, length: n, data: BigInt64Array.from(timestamp, (t) => BigInt(Math.round(t))) }),
  ] as ReturnType<typeof makeData>[];
  for (const [h, values] of codes) {
    if (values.length !== n) throw new DataError(`split codes have ${values.length} values for ${n} rows`, { field: splitColumn(h) });
    fields.push(new Field(splitColumn(h), new Int8(), false));
    children.push(makeData({ type: new Int8(), length: n, data: values }) as never);
  }
  const schema = new Schema(fields, new Map([['symbol', symbol]]));
  const data = makeData({ type: new Struct(fields), length: n, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

const iso = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

/** Counts and first/last kept bar of each split for one symbol and horizon, as split.json holds them. */
type HorizonSummary = HorizonSplitSummary;

function summarize(timestamp: Float64Array, labelEndTime: Float64Array, codes: Int8Array): HorizonSummary {
  const first: Record<number, number> = {};
  const last: Record<number, number> = {};
  const maxEnd: Record<number, number> = {};
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    const t = timestamp[i] as number;
    first[c] ??= t;
    last[c] = t;
    maxEnd[c] = Math.max(maxEnd[c] ?? Number.NEGATIVE_INFINITY, labelEndTime[i] as number);
  }
  return {
    ...countCodes(codes),
    trainStart: iso(first[SPLIT_TRAIN]),
    trainEndActual: iso(last[SPLIT_TRAIN]),
    valStart: iso(first[SPLIT_VAL]),
    valEndActual: iso(last[SPLIT_VAL]),
    testStart: iso(first[SPLIT_TEST]),
    testEndActual: iso(last[SPLIT_TEST]),
    maxTrainLabelEnd: iso(maxEnd[SPLIT_TRAIN]),
    maxValLabelEnd: iso(maxEnd[SPLIT_VAL]),
  };
}

/**
 * Each symbol's share of every split's usable rows, per horizon. Throws a `DataError` when a
 * split has no rows at all or a symbol's share is below `minShare` (the original's 20 % rule,
 * counted here after purge, embargo and invalid labels are removed).
 */
function checkShares(counts: Record<string, Record<string, SplitCounts>>, horizons: readonly number[], minShare: number): SplitShares {
  const shares: SplitShares = {};
  // Every violation in one error, so a user fixing the data sees the whole picture at once.
  const problems: string[] = [];
  for (const h of horizons) {
    for (const part of ['train', 'val', 'test'] as const) {
      const total = Object.values(counts).reduce((sum, bySymbol) => sum + (bySymbol[String(h)]?.[part] ?? 0), 0);
      if (total === 0) {
        problems.push(`the ${part} split is empty for horizon ${h} after purge, embargo and invalid labels`);
        continue;
      }
      for (const [symbol, bySymbol] of Object.entries(counts)) {
        const share = (bySymbol[String(h)]?.[part] ?? 0) / total;
        ((shares[symbol] ??= {})[String(h)] ??= { train: 0, val: 0, test: 0 })[part] = share;
        if (share < minShare) {
          problems.push(
            `symbol ${symbol} has ${(100 * share).toFixed(1)} % of the ${part} rows for horizon ${h}, below splits.minSymbolShare ${(100 * minShare).toFixed(1)} %`,
          );
        }
      }
    }
  }
  if (problems.length > 0) {
    throw new DataError(
      `split check failed:\n  - ${problems.join('\n  - ')}`,
      { field: 'splits' },
      {
        hint: "Check that the symbols' histories cover the same period; or use more data, lower splits.embargoBars / purgeBars or splits.minSymbolShare.",
      },
    );
  }
  return shares;
}

/**
 * Pipeline stage `splits`: the one calendar cut for all symbols (`cut/cut.json`, as every stage
 * that needs "the train part" reads it), then per symbol and horizon purge by label end time, the purgeBars
 * floor, embargo and invalid labels (`assignSplits`); the per-symbol share check; `splits/<S>.arrow`
 * and `splits/split.json`.
 */
export const splitsStage: StageDefinition<RunConfig> = defineStage<RunConfig>({
  name: STAGE.splits,
  description: 'Train/val/test by one calendar cut for all symbols, purged by label end time and embargoed after each boundary.',
  dependsOn: [STAGE.labelsFinal, STAGE.cut],
  version: 1,
  configKeys: ['splits.purgeBars', 'splits.embargoBars', 'splits.minSymbolShare', 'horizons', 'symbols'],
  inputs: (config) => [...config.symbols.map((symbol) => labelBars(symbol).path), cut.path],
  outputs: (config) => [...config.symbols.map((symbol) => splitBars(symbol).path), splitSummary.path],
  async run(context: StageContext<RunConfig>) {
    const { config, logger } = context;
    const { purgeBars, embargoBars, minSymbolShare } = config.splits;
    const inputs: SplitInput[] = [];
    for (const symbol of config.symbols) {
      context.signal.throwIfAborted();
      // Read without labelBars' column check: readSplitInput checks exactly the columns it needs.
      const file = artifactPath(context.runDir, labelBars(symbol));
      inputs.push(readSplitInput(await readArrowFile(file), symbol, config.horizons, file));
    }
    const theCut = await readJsonArtifact(context.runDir, cut);
    const cuts: CalendarCuts = { trainEnd: theCut.trainEndMs, valEnd: theCut.valEndMs };
    context.progress.start(inputs.length * config.horizons.length, { unit: 'splits', label: 'splits' });
    const codesBySymbol = new Map<string, Array<[number, Int8Array]>>();
    const summaries: Record<string, Record<string, HorizonSummary>> = {};
    for (const input of inputs) {
      const bySymbol: Array<[number, Int8Array]> = [];
      for (const h of config.horizons) {
        const { label, labelEndTime } = input.horizons[String(h)] as SplitInput['horizons'][string];
        const codes = assignSplits({ timestamp: input.timestamp, label, labelEndTime }, cuts, { purgeBars, embargoBars });
        bySymbol.push([h, codes]);
        const summary = summarize(input.timestamp, labelEndTime, codes);
        (summaries[input.symbol] ??= {})[String(h)] = summary;
        logger.info({ symbol: input.symbol, horizon: h, ...countCodes(codes) }, 'splits');
        context.progress.advance();
      }
      codesBySymbol.set(input.symbol, bySymbol);
    }
    context.progress.done();
    // Fail before writing anything: a split that breaks the share rule must not feed training.
    const shares = checkShares(summaries, config.horizons, minSymbolShare);
    const artifactMetadata: Record<string, Record<string, unknown>> = {};
    for (const input of inputs) {
      const artifact = splitBars(input.symbol);
      await writeArrowArtifact(context.runDir, artifact, splitTable(input.symbol, input.timestamp, codesBySymbol.get(input.symbol) ?? []));
      artifactMetadata[artifact.path] = { rows: input.timestamp.length, horizons: config.horizons };
    }
    const summary: SplitSummaryFile = {
      trainEnd: new Date(cuts.trainEnd).toISOString(),
      trainEndMs: cuts.trainEnd,
      valEnd: new Date(cuts.valEnd).toISOString(),
      valEndMs: cuts.valEnd,
      ratios: { train: theCut.ratios.train, val: theCut.ratios.val, test: theCut.ratios.test },
      purgeBars,
      embargoBars,
      horizons: config.horizons,
      codes: SPLIT_CODE_NAMES,
      purgeRule:
        'purged: label_end_time ≥ the next boundary (exact window), or one of the last purgeBars bars of the symbol before a boundary (minimum gap)',
      embargoRule: 'embargoed: one of the first embargoBars bars of the symbol at or after each boundary',
      symbols: summaries,
      checks: { minSymbolShare, shares, passed: true },
    };
    await writeJsonArtifact(context.runDir, splitSummary, summary);
    const metrics: Record<string, number | string> = { symbols: inputs.length, trainEnd: new Date(cuts.trainEnd).toISOString() };
    for (const h of config.horizons) {
      for (const part of ['train', 'val', 'test'] as const) {
        metrics[`${part}_h${h}`] = Object.values(summaries).reduce((sum, bySymbol) => sum + (bySymbol[String(h)]?.[part] ?? 0), 0);
      }
    }
    return { metrics, artifactMetadata };
  },
});
