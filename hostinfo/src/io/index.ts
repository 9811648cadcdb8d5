export { createTextReader } from './create-text-reader.js';
export {
  type HostRoots,
  hostRoots,
  type ReadText,
  type RootOptions,
  readNumber,
  readOptional,
} from './host-roots.js';
export type { HostinfoLogger } from './logger.js';
export {
  type CommandResult,
  type CommandRunnerOptions,
  createCommandRunner,
  firstLine,
  type RunCommand,
} from './run-command.js';
export { createSyncFileReader, type SyncFileReader } from './sync-file-reader.js';
