export { initPlugin } from './init-plugin.js';
export { type ScaffoldOptions, scaffoldFiles } from './scaffold-files.js';
