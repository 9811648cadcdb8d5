export * from './api/index.js';
export * from './client/index.js';
export * from './install/index.js';
export * from './metadata/index.js';
export * from './publish/index.js';
export * from './resolve/index.js';
