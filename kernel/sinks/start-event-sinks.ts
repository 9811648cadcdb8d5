import { readFile, stat } from 'node:fs/promises';
import type { EventBus } from '../bus/index.js';
import { omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { NamespaceView } from '../storage/index.js';
import type { SinkConfig } from './sink-config.js';
import { type SinkRunner, type SinkStatus, startSinkRunner } from './sink-runner.js';
import type { SinkTransport } from './sink-transport.js';
import { syslogTransport } from './syslog-sink.js';
import { redactUrl, webhookTransport } from './webhook-sink.js';

/** The kernel's event sinks: their status and their undo. */
export interface EventSinks {
  status(): SinkStatus[];
  close(): Promise<void>;
}

/** Options of {@link startEventSinks}. */
export interface EventSinksOptions {
  sinks: readonly SinkConfig[];
  bus: EventBus;
  store: NamespaceView;
  logger: Logger;
  /** `omega/<version>`, the webhook's User-Agent. */
  userAgent: string;
  backoff?: { minMs: number; maxMs: number };
}

async function readSecret(file: string, field: string, logger: Logger): Promise<Buffer> {
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw omegaError(
      'OMEGA_ERR_CONFIG_INVALID',
      `${field}: cannot read ${file} (${err.code ?? err.message}).`,
      {
        field,
      },
    );
  });
  const secret = Buffer.from(bytes.toString('utf8').trim());
  if (secret.length < 16) {
    throw omegaError(
      'OMEGA_ERR_CONFIG_INVALID',
      `${field}: the secret in ${file} is shorter than 16 bytes.`,
      {
        field,
      },
    );
  }
  if (((await stat(file)).mode & 0o077) !== 0) {
    logger.warn({ file, field }, 'webhook secret file is readable by others: chmod 600 it');
  }
  return secret;
}

/**
 * Starts one runner per configured sink (docs/events.md, "Sinks"): webhook or syslog, each
 * with its topics, resuming from its stored cursor. A secret that cannot be read stops start-up
 * with OMEGA_ERR_CONFIG_INVALID naming the field; the secret itself is never logged.
 */
export async function startEventSinks(opts: EventSinksOptions): Promise<EventSinks> {
  const runners: SinkRunner[] = [];
  try {
    for (const [i, config] of opts.sinks.entries()) {
      let transport: SinkTransport;
      let target: string;
      if (config.type === 'webhook') {
        const secret = config.secretFile
          ? await readSecret(config.secretFile, `sinks[${i}].secretFile`, opts.logger)
          : undefined;
        transport = webhookTransport(config, secret, opts.userAgent);
        target = redactUrl(config.url);
      } else {
        transport = syslogTransport(config);
        target = config.address;
      }
      runners.push(
        await startSinkRunner({
          config,
          target,
          transport,
          bus: opts.bus,
          store: opts.store,
          logger: opts.logger,
          ...(opts.backoff ? { backoff: opts.backoff } : {}),
        }),
      );
      opts.logger.info(
        { sink: config.name, type: config.type, target, topics: config.topics },
        'event sink started',
      );
    }
  } catch (err) {
    await Promise.all(runners.map((r) => r.close()));
    throw err;
  }
  return {
    status: () => runners.map((r) => r.status()),
    close: async () => {
      await Promise.all(runners.map((r) => r.close()));
    },
  };
}
