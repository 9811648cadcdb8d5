export { formatSyslog, type SyslogHeader } from './format-syslog.js';
export {
  type SinkConfig,
  type SyslogSinkConfig,
  sinksSchema,
  type WebhookSinkConfig,
} from './sink-config.js';
export { sinkRoutes } from './sink-routes.js';
export type { SinkRunner, SinkStatus } from './sink-runner.js';
export { SinkRejected, type SinkTransport } from './sink-transport.js';
export { type EventSinks, type EventSinksOptions, startEventSinks } from './start-event-sinks.js';
export { parseSyslogAddress } from './syslog-sink.js';
export { redactUrl, signWebhookBody } from './webhook-sink.js';
