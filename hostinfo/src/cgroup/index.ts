export { type CgroupMount, parseCgroupMounts, parseOwnCgroups } from './parse-proc-cgroups.js';
