export { cpuTemperatures, type GroupedSensor } from './cpu-temperatures.js';
export { createThrottleLog, type ThrottleLog } from './create-throttle-log.js';
export { addNvidiaThresholds, NVIDIA_QUERY_FIELDS, parseNvidiaSmiCsv } from './parse-nvidia-smi.js';
export { readCpufreq } from './read-cpufreq.js';
export { readNvidiaGpus } from './read-nvidia-gpus.js';
export { createTemperatureReader, type DiscoveredSensor, discoverSensors } from './read-temperatures.js';
export { readThermal } from './read-thermal.js';
export { readThrottle } from './read-throttle.js';
export type * from './thermal-types.js';
