import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../src/internal/report.js';
import { writeFixtureRun } from './fixture.js';
import { writeDiagnosticOutputs, writeTrainOutputs } from './train-fixture.js';

/** Debian's chromium, installed by `tools/scripts/setup-system.sh`; never a browser download. */
const CHROMIUM = process.env['TRIBAR_CHROMIUM'] ?? '/usr/bin/chromium';
/** Flags that start Chromium on a machine without internet (no background connections). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const present = existsSync(CHROMIUM);
const onCi = process.env['CI'] === 'true';
if (!present && !onCi) {
  console.warn(`report browser test skipped: no Chromium at ${CHROMIUM}. Run tools/scripts/setup-system.sh to install Debian's chromium.`);
}

describe.skipIf(!present && !onCi)('report in headless Chromium', () => {
  let dir: string;
  let profile: string;

  beforeAll(async () => {
    dir = await writeFixtureRun();
    // With a train stage's output, so the Models section and its equity chart render too.
    await writeTrainOutputs(dir);
    // …and the ML views' files (predictions, metrics with calibration / sizing / meta-labeling, importance, barriers).
    await writeDiagnosticOutputs(dir);
    profile = await mkdtemp(join(tmpdir(), 'tribar-chromium-'));
    await writeReport(dir);
  });
  afterAll(async () => {
    await rm(profile, { recursive: true, force: true });
    if (process.env['TRIBAR_KEEP_SCREENSHOT'] === undefined) await rm(dir, { recursive: true, force: true });
  });

  it('renders every chart with a size, logs no console error and saves a screenshot', async () => {
    expect(present, `no Chromium at ${CHROMIUM}: run tools/scripts/setup-system.sh (CI=true requires it)`).toBe(true);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
    });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(pathToFileURL(join(dir, 'report/index.html')).href, { waitUntil: 'load' });
      const sizes = await page.$$eval('[data-chart]', (figures) =>
        figures.map((figure) => {
          const svg = figure.querySelector('svg');
          const box = svg?.getBoundingClientRect();
          return { name: figure.getAttribute('data-chart'), width: box?.width ?? 0, height: box?.height ?? 0 };
        }),
      );
      expect(sizes.length).toBeGreaterThanOrEqual(17);
      expect(sizes.map((size) => size.name)).toContain('model-equity');
      // The backtest tearsheets: four charts per model × symbol × horizon with a trade list.
      for (const slug of ['xgboost-MES-h20', 'mlp-MES-h20'])
        for (const chart of ['equity', 'monthly', 'rolling', 'week', 'distribution'])
          expect(sizes.map((size) => size.name)).toContain(`tearsheet-${slug}-${chart}`);
      // The ML views of the fit whose files exist: ROC + PR, reliability, importance.
      for (const chart of ['curves', 'reliability', 'importance'])
        expect(sizes.map((size) => size.name)).toContain(`diagnostics-xgboost-MES-h20-${chart}`);
      const sections = await page.$$eval('[data-section]', (found) => found.map((s) => s.getAttribute('data-section')));
      expect(sections).toEqual(expect.arrayContaining(['summary', 'backtest', 'models', 'tearsheets', 'diagnostics']));
      expect(await page.$$eval('[data-diagnostics]', (found) => found.map((t) => t.getAttribute('data-diagnostics')))).toEqual([
        'xgboost MES H20',
        'mlp MES H20',
        'xgboost MGC H5',
      ]);
      // The issue-18 tables of the Models section, formatted (no raw JSON).
      const models = await page.$eval('[data-section="models"]', (section) => section.textContent ?? '');
      for (const title of ['Calibration', 'Bet sizing', 'Meta-labeling']) expect(models).toContain(title);
      expect(models).not.toContain('{"');
      expect(await page.$eval('header', (header) => header.textContent ?? '')).toContain('Times in tables: UTC');
      expect(await page.$$eval('[data-tearsheet]', (found) => found.map((t) => t.getAttribute('data-tearsheet')))).toEqual([
        'xgboost MES H20',
        'mlp MES H20',
      ]);
      // No horizontal overflow at 1280 px: wide tables scroll inside their section, charts shrink to it.
      const widths = await page.evaluate<{ scroll: number; inner: number }>(
        '({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })',
      );
      expect(widths.scroll, `page ${widths.scroll} px wide in a ${widths.inner} px window`).toBeLessThanOrEqual(widths.inner);
      for (const size of sizes) {
        expect(size.width, `${size.name} width`).toBeGreaterThan(0);
        expect(size.height, `${size.name} height`).toBeGreaterThan(0);
      }
      const screenshot = join(dir, 'report-screenshot.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      const bytes = await readFile(screenshot);
      expect(bytes.length).toBeGreaterThan(10_000);
      expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      expect(errors).toEqual([]);
      if (process.env['TRIBAR_KEEP_SCREENSHOT'] !== undefined) console.info(`screenshot: ${screenshot}`);
    } finally {
      await context.close();
    }
  });
});
