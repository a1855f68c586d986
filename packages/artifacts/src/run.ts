import { MANIFEST_FILE } from '@tribar/core';
import { z } from 'zod';
import { fileArtifact, jsonArtifact } from './artifact.js';
import { PIPELINE } from './stages.js';

/**
 * `config.json`: the resolved config the run used. Its full shape is `@tribar/config`'s schema;
 * here it is only "an object", and `loadConfig({ runConfig })` validates it when a run is reused.
 */
export const runConfig = jsonArtifact('config.json', PIPELINE, z.record(z.string(), z.unknown()));

/** `interrupted`: stopped by Ctrl-C (SIGINT) before it finished; `--resume` runs it again. */
export const STAGE_STATUSES = ['pending', 'running', 'completed', 'failed', 'blocked', 'interrupted'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];
export const RUN_STATUSES = ['running', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

const errorRecordSchema = z.object({
  name: z.string(),
  code: z.string().optional(),
  message: z.string(),
  hint: z.string().optional(),
});

export const stageRecordSchema = z.object({
  name: z.string(),
  status: z.enum(STAGE_STATUSES),
  /** Hash of the stage's version, config slice, seed and input bytes that produced its outputs. */
  fingerprint: z.string().optional(),
  /** True when the last invocation found the recorded outputs up to date and did not run the stage. */
  reused: z.boolean().optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  durationMs: z.number().optional(),
  /** CPU time of the whole process (user + system, worker threads included) while the stage ran, in ms. */
  cpuMs: z.number().optional(),
  /**
   * Peak resident memory while the stage ran, MiB: the stage's own on Linux (the high-water mark is reset at its
   * start), elsewhere the process's peak so far.
   */
  peakRssMiB: z.number().optional(),
  outputs: z.array(z.string()).optional(),
  metrics: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
  error: errorRecordSchema.optional(),
  /** Why a stage is blocked. */
  reason: z.string().optional(),
});
export type StageRecord = z.infer<typeof stageRecordSchema>;

/** `state.json`: where a run stands, rewritten atomically when a stage starts and when it ends. */
export const runStateSchema = z.object({
  stateVersion: z.literal(1),
  runId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: z.enum(RUN_STATUSES),
  configHash: z.string(),
  seed: z.number(),
  /** Stage names in execution order. */
  order: z.array(z.string()),
  stages: z.record(z.string(), stageRecordSchema),
});
export type RunState = z.infer<typeof runStateSchema>;
export const runState = jsonArtifact('state.json', PIPELINE, runStateSchema);

const manifestEntrySchema = z.object({
  /** Run-relative path, `/`-separated; also the entry's key. */
  path: z.string(),
  stage: z.string(),
  sha256: z.string(),
  sizeBytes: z.number(),
  metadata: z.record(z.string(), z.unknown()),
});

/**
 * `manifest.json`: every artifact the run wrote with its SHA-256, size and producing stage (core's `ArtifactManifest`).
 * No times and no run id, so one config + seed gives one manifest; times live in `state.json`. `runId` (and an entry's
 * `createdAt`, which the schema drops) appear only in manifests written by older versions.
 */
export const runManifestSchema = z.object({
  manifestVersion: z.literal(1),
  runId: z.string().optional(),
  artifacts: z.record(z.string(), manifestEntrySchema),
});
export type RunManifestFile = z.infer<typeof runManifestSchema>;
export const runManifest = jsonArtifact(MANIFEST_FILE, PIPELINE, runManifestSchema);

/**
 * `run.lock`: the one process writing the run folder (JSON: pid, host, runId, startedAt, heartbeatAt), created
 * exclusively when a pipeline starts, its heartbeat refreshed while it runs, removed when it ends.
 */
export const runLock = fileArtifact('run.lock', PIPELINE);

/** Every log record of the run as JSON lines. */
export const runLog = fileArtifact('logs/pipeline.log', PIPELINE);

/** The log of `tribar train` on an existing run (training outside the pipeline), JSON lines. */
export const trainLog = fileArtifact('logs/train.log', PIPELINE);
