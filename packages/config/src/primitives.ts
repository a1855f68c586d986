import { z } from 'zod';

// Field types more than one section of the config uses.

export const symbolName = z.string().regex(/^[A-Z][A-Z0-9._-]*$/, 'symbols are upper-case tickers such as MES');
export const horizonKey = z.string().regex(/^[1-9]\d*$/, 'horizon keys are positive whole numbers of bars');
export const probability = z.number().min(0).max(1);
export const range = (low: number, high: number) => z.tuple([z.number(), z.number()]).default([low, high]);
