export { parseNetDev } from './parse-net-dev.js';
