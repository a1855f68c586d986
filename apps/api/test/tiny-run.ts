import type { FastifyInstance } from 'fastify';

/** A synthetic run small enough for a test: three weeks of bars, one horizon, Phase 1 only (no models). */
export const TINY_RUN = { data: { synthetic: { days: 21 } }, horizons: [20], splits: { embargoBars: 288 }, train: { models: [] } };

export interface RunView {
  runId: string;
  status: string;
  stagesDone: number;
  stagesTotal: number;
  report: boolean;
  state: { status: string; stages: Record<string, { status: string }> } | null;
  job: { status: string; outcome?: string; error?: { message: string } } | null;
}

/** Poll `GET /runs/{id}` until the run is neither queued nor running. */
export async function waitForRun(app: FastifyInstance, runId: string, timeoutMs = 9 * 60_000): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = (await app.inject({ method: 'GET', url: `/runs/${runId}` })).json() as RunView;
    if (view.status !== 'queued' && view.status !== 'running') return view;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${view.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
