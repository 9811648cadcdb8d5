export { type InitOptions, type InitResult, initPlugin } from './init-plugin.js';
export { type ScaffoldOptions, scaffoldFiles } from './scaffold-files.js';
