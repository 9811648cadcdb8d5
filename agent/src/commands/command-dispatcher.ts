import type { Logger } from 'pino';
import type { CommandFrame, CommandOutcome } from '../wire/agent-messages.js';
import type { CommandJournal } from './command-journal.js';
import type { OpTable } from './op-table.js';

/** Largest result data kept and sent (a frame holds 1 MiB; leave room for the envelope). */
export const MAX_RESULT_BYTES = 768 * 1024;

/** Runs commands at most once per id and hands each outcome to `send`. */
export interface CommandDispatcher {
  /** Handles one `cmd`: answers a known id from the journal, runs a new one. */
  handle(cmd: CommandFrame): void;
  /** Commands running now. */
  running(): number;
  /** Aborts every running command (agent stopping) and waits until they settled. */
  stop(): Promise<void>;
}

/** Options of {@link createCommandDispatcher}. */
export interface CommandDispatcherOptions {
  ops: OpTable;
  journal: CommandJournal;
  /** Sends a `result` on the current session, if there is one (else the journal keeps it). */
  send(id: string, outcome: CommandOutcome): void;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
}

function outcomeOf(value: unknown): CommandOutcome {
  const json = value === undefined ? undefined : JSON.stringify(value);
  if (json !== undefined && json.length > MAX_RESULT_BYTES) {
    return {
      ok: false,
      error: {
        code: 'OMEGA_ERR_AGENT_COMMAND_FAILED',
        message: `The result is ${json.length} bytes, more than the ${MAX_RESULT_BYTES} a result may carry.`,
      },
    };
  }
  return json === undefined ? { ok: true } : { ok: true, data: JSON.parse(json) as unknown };
}

function failureOf(err: unknown, op: string): CommandOutcome {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' && /^[A-Z][A-Z0-9_]{2,63}$/.test(e.code) ? e.code : undefined;
  const message = typeof e?.message === 'string' ? e.message.slice(0, 2048) : String(err).slice(0, 2048);
  return {
    ok: false,
    error: code
      ? { code, message }
      : { code: 'OMEGA_ERR_AGENT_COMMAND_FAILED', message: `${op} failed: ${message}` },
  };
}

/**
 * The command path of docs/agent-protocol.md: a repeated id is answered with the journal's
 * stored outcome (or, while it still runs, with its outcome once done) and never run again; a
 * new id is journalled durably first, then run with its deadline; an unknown op answers
 * OMEGA_ERR_NOT_FOUND naming the ops this agent has.
 */
export function createCommandDispatcher(o: CommandDispatcherOptions): CommandDispatcher {
  const inFlight = new Map<string, { abort: AbortController; done: Promise<void> }>();
  const stopAll = new AbortController();

  const finish = (id: string, outcome: CommandOutcome) => {
    o.journal.finish(id, outcome);
    o.send(id, outcome);
  };

  return {
    handle(cmd) {
      const known = o.journal.get(cmd.id);
      if (known) {
        if (known.outcome) {
          o.log.info(
            { id: cmd.id, op: cmd.op },
            'repeated command id: answered from the journal, not run again',
          );
          o.send(cmd.id, known.outcome);
        } else {
          o.log.info({ id: cmd.id, op: cmd.op }, 'repeated command id: still running, answered when done');
        }
        return;
      }
      o.journal.begin(cmd.id, cmd.op);
      const handler = o.ops.get(cmd.op);
      if (!handler) {
        finish(cmd.id, {
          ok: false,
          error: {
            code: 'OMEGA_ERR_NOT_FOUND',
            message: `This agent has no op "${cmd.op}"; it knows: ${o.ops.names().join(', ')}.`,
          },
        });
        return;
      }
      const abort = new AbortController();
      const signals = [abort.signal, stopAll.signal];
      if (cmd.deadlineMs !== undefined) signals.push(AbortSignal.timeout(cmd.deadlineMs));
      const signal = AbortSignal.any(signals);
      const started = performance.now();
      const done = (async () => {
        let outcome: CommandOutcome;
        try {
          const result = await new Promise<unknown>((resolve, reject) => {
            const onAbort = () =>
              reject(
                stopAll.signal.aborted
                  ? { code: 'OMEGA_ERR_AGENT_INTERRUPTED', message: 'The agent is stopping.' }
                  : {
                      code: 'OMEGA_ERR_AGENT_COMMAND_TIMEOUT',
                      message: `${cmd.op} did not finish within its deadline of ${cmd.deadlineMs} ms.`,
                    },
              );
            if (signal.aborted) return onAbort();
            signal.addEventListener('abort', onAbort, { once: true });
            Promise.resolve()
              .then(() => handler(cmd.args, { id: cmd.id, op: cmd.op, signal }))
              .then(resolve, reject)
              .finally(() => signal.removeEventListener('abort', onAbort));
          });
          outcome = outcomeOf(result);
        } catch (err) {
          outcome = failureOf(err, cmd.op);
        }
        inFlight.delete(cmd.id);
        o.log.debug(
          { id: cmd.id, op: cmd.op, ok: outcome.ok, ms: Math.round(performance.now() - started) },
          'command done',
        );
        finish(cmd.id, outcome);
      })();
      inFlight.set(cmd.id, { abort, done });
    },
    running: () => inFlight.size,
    async stop() {
      stopAll.abort();
      await Promise.all([...inFlight.values()].map((f) => f.done));
    },
  };
}
