export {
  createLogger,
  DEFAULT_LOG_BUFFER_BYTES,
  type Logger,
  type LoggerOptions,
  REDACTED_PATHS,
} from './create-logger.js';
export { EXIT_FATAL, exitOnFatal } from './exit-on-fatal.js';
