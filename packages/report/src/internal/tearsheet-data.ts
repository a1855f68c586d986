import { artifactPath, checkArrowColumns, TRADE_COLUMN, trainTrades } from '@tribar/artifacts';
import { float64Column, readArrowFile } from '@tribar/core';
import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import type { ModelResult } from './model-section.js';

/** One trade of the trainer's `trades.arrow` (times UTC ms, PnL net of costs). */
export interface TearsheetTrade {
  entryTime: number;
  exitTime: number;
  /** +1 long, −1 short. */
  side: number;
  size: number;
  entryPrice: number;
  exitPrice: number;
  pnlTicks: number;
  pnlUsd: number;
  costsUsd: number;
  durationMs: number;
  /** upper / lower / timeout / signal / end. */
  exit: string;
}

/** One result's trade list. */
export interface ModelTrades {
  model: string;
  symbol: string;
  horizon: number;
  trades: TearsheetTrade[];
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Read a result's `trades.arrow` (in the folder the summary names); a missing or malformed file is a warning. */
export async function readTrades(runDir: string, result: ModelResult, warnings: string[]): Promise<ModelTrades | undefined> {
  const artifact = trainTrades(result.model, result.symbol, result.horizon);
  const path = posix.join(result.dir, posix.basename(artifact.path));
  const file = artifactPath(runDir, path);
  const what = `${result.model} ${result.symbol} H${result.horizon}`;
  if (!existsSync(file)) {
    warnings.push(`${path} not found: no tearsheet for ${what} (re-run the train stage to write it).`);
    return undefined;
  }
  try {
    const table = checkArrowColumns(artifact, await readArrowFile(file), file);
    const column = (name: string) => float64Column(table, name, file);
    const [entryTime, exitTime, side, size, entryPrice, exitPrice, pnlTicks, pnlUsd, costsUsd, durationMs] = [
      TRADE_COLUMN.entryTime,
      TRADE_COLUMN.exitTime,
      TRADE_COLUMN.side,
      TRADE_COLUMN.size,
      TRADE_COLUMN.entryPrice,
      TRADE_COLUMN.exitPrice,
      TRADE_COLUMN.pnlTicks,
      TRADE_COLUMN.pnlUsd,
      TRADE_COLUMN.costsUsd,
      TRADE_COLUMN.durationMs,
    ].map(column) as Float64Array[];
    const exits = table.getChild(TRADE_COLUMN.exit);
    const trades: TearsheetTrade[] = [];
    for (let i = 0; i < table.numRows; i++) {
      trades.push({
        entryTime: entryTime![i]!,
        exitTime: exitTime![i]!,
        side: side![i]!,
        size: size![i]!,
        entryPrice: entryPrice![i]!,
        exitPrice: exitPrice![i]!,
        pnlTicks: pnlTicks![i]!,
        pnlUsd: pnlUsd![i]!,
        costsUsd: costsUsd![i]!,
        durationMs: durationMs![i]!,
        exit: String(exits?.get(i) ?? ''),
      });
    }
    return { model: result.model, symbol: result.symbol, horizon: result.horizon, trades };
  } catch (error) {
    warnings.push(`${path} not readable (${reason(error)}): no tearsheet for ${what}.`);
    return undefined;
  }
}
