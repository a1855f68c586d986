import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, type Harness } from './harness.js';
import { TINY_RUN } from './tiny-run.js';
import { writeStudy } from './study-fixture.js';
import { writeTrainedRun } from './trained-run.js';
import { writeTrackedRuns } from './tracked-runs.js';

/** Debian's chromium, installed by `tools/scripts/setup-system.sh`; never a browser download. */
const CHROMIUM = process.env['TRIBAR_CHROMIUM'] ?? '/usr/bin/chromium';
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
/** How long the page may take to show a change (a busy machine runs the tiny pipeline slowly); hangs are the suite's limit. */
const WAIT_MS = 9 * 60_000;
const present = existsSync(CHROMIUM);
const onCi = process.env['CI'] === 'true';
if (!present && !onCi) console.warn(`dashboard browser test skipped: no Chromium at ${CHROMIUM}. Run tools/scripts/setup-system.sh.`);

describe.skipIf(!present && !onCi)('the dashboard in headless Chromium', () => {
  let h: Harness;
  let url: string;
  let profile: string;
  let study: Awaited<ReturnType<typeof writeStudy>>;
  beforeAll(async () => {
    h = await harness();
    await writeTrainedRun(h.runsDir, 'trained');
    await writeTrackedRuns(h.root, h.runsDir, 'trained');
    study = await writeStudy(join(h.root, 'studies'), 'logistic-MES-h20');
    url = await h.app.listen({ host: '127.0.0.1', port: 0 });
    profile = await mkdtemp(join(tmpdir(), 'tribar-chromium-'));
  });
  afterAll(async () => {
    await h.close();
    await rm(profile, { recursive: true, force: true });
  });

  it('starts a tiny synthetic run, watches it finish, opens its report, compares two tracked runs, predicts; no console error', async () => {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1400, height: 1000 },
    });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${url}/`, { waitUntil: 'load' });
      await page.waitForSelector('#runs tr[data-run-id="trained"]');

      // The tuning studies, with the tuning package's numbers.
      await expect.poll(() => page.locator('#studies tbody tr').count(), { timeout: WAIT_MS }).toBe(1);
      const cells = await page.locator('#studies tbody tr').first().locator('td').allTextContents();
      expect(cells.slice(0, 7)).toEqual([
        'logistic-MES-h20',
        'logistic',
        'MES',
        'h20',
        'random',
        '6/8',
        `#${study.best!.number} ${study.best!.value!.toFixed(4)}`,
      ]);
      expect(cells[8]).toBe('finished');

      // Start a run from the page.
      await page.fill('#start-run-id', 'from-browser');
      await page.fill('#start-config', JSON.stringify(TINY_RUN));
      await page.click('#start-button');
      await page.waitForSelector('#runs tr[data-run-id="from-browser"]');
      // Live progress shows while it runs, then it finishes.
      const status = () => page.locator('#runs tr[data-run-id="from-browser"] .status').textContent();
      await expect.poll(status, { timeout: WAIT_MS, interval: 100 }).toMatch(/running/);
      await expect.poll(status, { timeout: WAIT_MS, interval: 500 }).toBe('completed');

      // Its stages and report.
      await page.click('#runs tr[data-run-id="from-browser"] .open-run');
      await expect.poll(() => page.locator('#run-id').textContent(), { timeout: WAIT_MS }).toBe('from-browser');
      const stages = await page.$$eval('#stages tbody tr', (rows) =>
        rows.map((row) => [row.children[0]?.textContent, row.children[1]?.textContent]),
      );
      expect(stages.length).toBeGreaterThanOrEqual(9);
      expect(stages.every(([, status]) => status === 'completed')).toBe(true);
      await page.waitForSelector('#report-frame:not([hidden])');
      const frame = page.frameLocator('#report-frame');
      await expect.poll(async () => frame.locator('[data-section="summary"]').count(), { timeout: WAIT_MS }).toBeGreaterThan(0);

      // Two tracked runs side by side, with their equity curves.
      const picks = page.locator('.compare-pick');
      expect(await picks.count()).toBe(2);
      await picks.nth(0).check();
      await picks.nth(1).check();
      await page.click('#compare-button');
      await page.waitForSelector('#compare:not([hidden])');
      const header = await page.$$eval('#compare-table thead th, #compare-table thead td', (cells) => cells.length);
      expect(header).toBe(3);
      const f1 = await page.$$eval('#compare-table tbody tr', (rows) =>
        rows
          .filter((row) => row.children[0]?.textContent === 'test_macro_f1')
          .map((row) => [row.children[1]?.textContent, row.children[2]?.textContent]),
      );
      expect(f1[0]?.sort()).toEqual(['0.4100', '0.4700']);
      expect(await page.locator('#equity-chart polyline').count()).toBe(2);

      // A prediction from the form (the fake predictor: one row per bar after five of warm-up).
      const bars = Array.from({ length: 7 }, (_, i) => ({
        timestamp: 1_736_000_000_000 + i * 60_000,
        open: 1,
        high: 2,
        low: 0.5,
        close: 1.5,
        volume: 3,
      }));
      await page.fill('#predict-bars', JSON.stringify(bars));
      // The partner's bars (a cross-asset model reads them) go along under its symbol.
      await page.fill('#predict-partner-symbol', 'MGC');
      await page.fill('#predict-partner-bars', JSON.stringify(bars));
      await page.click('#predict-form button');
      await expect.poll(() => page.locator('#predictions tbody tr').count(), { timeout: WAIT_MS }).toBe(2);
      expect(await page.locator('#predictions tbody tr').first().locator('td').allTextContents()).toEqual([
        '2023-11-14 22:13:20',
        '0.250',
        '0.500',
        '0.250',
        '',
      ]);
      expect(h.lastPartners).toEqual(['MGC']);

      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
