// The child process one pipeline run executes in, so the server's request thread never runs a stage. The server
// forks it with an IPC channel, sends one `run` request and relays the events; `cancel` (or the server going away:
// the IPC channel closes) aborts the run through the pipeline's own interrupt path, which records the running stage
// and the run as `interrupted`.
import { artifactPath, runLog } from '@tribar/artifacts';
import { runConfigSchema } from '@tribar/config';
import { TribarError, createRootLogger, jsonLinesFile, type LogLevel } from '@tribar/core';
import { registeredStages, runDirFor, runPipeline } from '@tribar/pipeline';
import type { WorkerMessage, WorkerRequest } from './worker-protocol.js';

const controller = new AbortController();
// `connected` is still true in the moment between the server dying and this process reading the channel's end; a
// send then fails with EPIPE, which without a callback is an uncaught 'error' on `process` and kills the run before
// it can record `interrupted` (seen in CI under load). A failed send means the server is gone: interrupt instead.
const send = (message: WorkerMessage) => {
  if (process.connected) process.send?.(message, undefined, {}, (error) => error && controller.abort());
};

async function run(request: Extract<WorkerRequest, { type: 'run' }>): Promise<void> {
  const config = runConfigSchema.parse(request.config);
  const logger = createRootLogger({
    level: request.logLevel as LogLevel,
    streams: [{ stream: jsonLinesFile(artifactPath(runDirFor(request.runsDir, request.runId), runLog)) }],
    base: { runId: request.runId },
  });
  try {
    const result = await runPipeline({
      stages: registeredStages(config),
      config,
      runsDir: request.runsDir,
      runId: request.runId,
      logger,
      signal: controller.signal,
      onEvent: (event) => send({ type: 'event', event }),
    });
    send({ type: 'done', status: result.status });
  } catch (error) {
    logger.error({ err: error }, 'the run stopped on an error');
    const described =
      error instanceof TribarError
        ? { name: error.name, code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) }
        : { name: (error as Error).name ?? 'Error', message: (error as Error).message ?? String(error) };
    send({ type: 'error', error: described });
  }
}

process.on('message', (message: WorkerRequest) => {
  if (message.type === 'cancel') controller.abort();
  else if (message.type === 'run') {
    void run(message).finally(() => {
      // Let the last messages flush, then leave: the IPC channel would otherwise keep the process alive.
      if (process.connected) process.disconnect();
    });
  }
});
// The server died or closed the channel: interrupt like Ctrl-C does, so the run is recorded `interrupted`.
process.on('disconnect', () => controller.abort());
process.on('SIGTERM', () => controller.abort());
process.on('SIGINT', () => controller.abort());
