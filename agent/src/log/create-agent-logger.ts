import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino censors wherever they appear in a record: join tokens, keys and invitations
 * never reach the agent's log.
 */
export const AGENT_REDACTED_PATHS = [
  'token',
  'joinToken',
  'privateKey',
  'secret',
  '*.token',
  '*.joinToken',
  '*.privateKey',
  '*.secret',
  'invitation.token',
];

/** Options of {@link createAgentLogger}. */
export interface AgentLoggerOptions {
  level?: string;
  /** Where lines go; stdout when omitted. */
  destination?: DestinationStream;
}

/** The agent's structured JSON logger (one line per record, secrets redacted). */
export function createAgentLogger(options: AgentLoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { svc: 'omega-agent', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: AGENT_REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
