export { cpuTemperatures, type GroupedSensor } from './cpu-temperatures.js';
export { createTemperatureReader } from './read-temperatures.js';
