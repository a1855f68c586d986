// Public API of @tribar/api: build the HTTP app (tests, embedding) or start the server. Everything else is in
// src/internal/.
export { buildApp } from './internal/app.js';
export type { BuildAppOptions, TribarApi } from './internal/app.js';
export { startServer } from './internal/serve.js';
export type { ServeOptions, RunningServer } from './internal/serve.js';
export type { LoadPredictor, PredictorLike, RawBars } from './internal/predictor.js';
export { sha256Hex } from './internal/auth.js';
