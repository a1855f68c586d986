export { selectTfjsBackend, TFJS_BACKEND_ORDER } from './backend.js';
export type { BackendAttempt, SelectTfjsBackendOptions, TfjsSelection, Tfjs } from './backend.js';
