export { selectTfjsBackend, TFJS_BACKEND_ORDER } from './backend.js';
export type { SelectTfjsBackendOptions, TfjsSelection } from './backend.js';
