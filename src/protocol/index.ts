export * from './constants.js';
export * from './control.js';
export * from './decode.js';
export * from './encode.js';
export * from './errors.js';
export * from './features.js';
export type * from './frame.js';
export * from './websocket-upgrade.js';
export * from './rate-limit.js';
