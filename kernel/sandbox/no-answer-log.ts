import type { Logger } from '../log/index.js';
import { parseUntrustedJson } from './json-guard.js';
import type { Frame } from './wire/frame-type.js';

/** Default window of {@link createNoAnswerLog}: at most one line per error code per this many ms. */
export const NO_ANSWER_LOG_MS = 10_000;

/** Options of {@link createNoAnswerLog}. */
export interface NoAnswerLogOptions {
  log: Logger;
  plugin: { name: string; version: string };
  /** Depth bound for reading the failed call's arguments (only its topic is kept). */
  maxJsonDepth: number;
  /** Window, ms (default {@link NO_ANSWER_LOG_MS}). */
  windowMs?: number;
}

/** The failure log of one session's calls without an answer (HOST_CALL id 0: ctx.events.emit). */
export interface NoAnswerLog {
  /** One call without an answer failed with `code`: logged at once, or counted for the window's end. */
  failed(f: Frame, code: string): void;
  /** Logs what is still counted and stops the window's timer (the session ended); later failures are logged one window on. */
  close(): void;
}

interface Pending {
  failures: number;
  call: string;
  topic: string | undefined;
}

/**
 * The plugin is never told that a call without an answer failed, so the kernel logs it: the
 * first failure at once (with its topic, never its data); failures after it, within the window,
 * are counted per error code, and one unref'd timer at the window's end logs one line per code
 * with how many failures it stands for and a topic of that code. A window that flushed something
 * is followed by another; a quiet one closes, so the next failure is again logged at once.
 */
export function createNoAnswerLog(opts: NoAnswerLogOptions): NoAnswerLog {
  const windowMs = opts.windowMs ?? NO_ANSWER_LOG_MS;
  const pending = new Map<string, Pending>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const topicOf = (f: Frame): string | undefined => {
    try {
      const args = parseUntrustedJson(f.body.toString('utf8'), opts.maxJsonDepth) as { topic?: unknown };
      return typeof args?.topic === 'string' ? args.topic.slice(0, 256) : undefined;
    } catch {
      return undefined;
    }
  };

  const write = (code: string, p: Pending): void => {
    opts.log.warn(
      {
        plugin: opts.plugin.name,
        version: opts.plugin.version,
        call: p.call,
        topic: p.topic,
        code,
        failures: p.failures,
      },
      'plugin call without an answer failed',
    );
  };

  const flush = (): boolean => {
    const had = pending.size > 0;
    for (const [code, p] of pending) write(code, p);
    pending.clear();
    return had;
  };

  const openWindow = (): void => {
    timer = setTimeout(() => {
      timer = undefined;
      if (flush() && !closed) openWindow();
    }, windowMs);
    timer.unref();
  };

  return {
    failed(f, code) {
      const call = f.meta.slice(0, 64);
      if (timer === undefined && !closed) {
        write(code, { failures: 1, call, topic: topicOf(f) });
        openWindow();
        return;
      }
      const p = pending.get(code);
      if (p) p.failures++;
      else pending.set(code, { failures: 1, call, topic: topicOf(f) });
      // A call that settles after close (aborted as the session ended) is flushed one window later.
      if (timer === undefined) openWindow();
    },
    close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      flush();
    },
  };
}
