#!/usr/bin/env node
// `tribar-api [--config file] [--set path=value]...`: serve the HTTP API and dashboard until Ctrl-C.
import { parseArgs } from 'node:util';
import { createRootLogger } from '@tribar/core';
import { loadPredictor } from '@tribar/inference';
import { startServer } from './internal/serve.js';

const { values } = parseArgs({
  options: { config: { type: 'string', short: 'c' }, set: { type: 'string', multiple: true } },
});
const logger = createRootLogger({ level: 'info', streams: [{ stream: process.stdout }] });
try {
  const server = await startServer({
    ...(values.config ? { configFile: values.config } : {}),
    overrides: values.set ?? [],
    logger,
    loadPredictor,
  });
  const stop = () => {
    logger.info('stopping: running pipeline runs are interrupted (resume them later)');
    void server.app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  logger.error({ err: error }, (error as Error).message);
  process.exitCode = 2;
}
