export { createNetRateTracker, type NetRateTracker, netRates } from './net-rates.js';
export type * from './network-types.js';
export { parseNetDev } from './parse-net-dev.js';
export { type InterfaceOptions, readInterfaces } from './read-interfaces.js';
