export { CONFIG_ENV, type ConfigSources, describeIssues, loadConfig, parseConfig } from './load-config.js';
export { configSchema, type KernelConfig, type KernelConfigInput } from './schema.js';
