// The pure Float64Array kernels, for reuse and known-answer tests.
export * from './rolling.js';
export * from './smoothing.js';
export * from './elementwise.js';
export * from './fracdiff.js';
