export { memoryFromMeminfo, parseMeminfo } from './parse-meminfo.js';
