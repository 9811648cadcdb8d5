import { setTimeout as sleep } from 'node:timers/promises';
import { kernelApi } from '../../kernel-api.js';
import type { Values } from './flags.js';
import { noOutputYet, WAITING, waitingNote } from './waiting-note.js';

/** Seconds one logs call waits for new output while following (the route allows up to 25). */
const FOLLOW_WAIT_SEC = 20;
/** Bytes asked for per logs call (the route's largest window). */
const LOG_WINDOW = 512 * 1024;
const TERMINAL = new Set(['completed', 'failed', 'oom-killed', 'timed-out', 'cancelled', 'lost']);

/** One window of a stream from GET /:id/logs. */
interface LogWindow {
  data: string;
  nextOffset: number;
  endOffset: number;
  skippedBytes: number;
  ended: boolean;
  state: string;
}

/** Writes bytes to `to`, waiting for it to drain when its buffer is full. */
function write(to: NodeJS.WritableStream, buf: Uint8Array): Promise<void> {
  if (buf.length === 0 || to.write(buf)) return Promise.resolve();
  return new Promise((resolve) => to.once('drain', resolve));
}

/** How copyLogs reads a stream and where it writes it. */
export interface CopyLogsOptions {
  stream: 'stdout' | 'stderr';
  offset: number;
  follow: boolean;
  json: boolean;
  /** Where the stream's bytes go (default stdout); JSON windows always go to stdout. */
  to?: NodeJS.WritableStream;
  /**
   * Whether this copy says on stderr why a waiting session has no output (state and reason), or
   * the line already said about it (run -f): off for the second of two streams followed together.
   */
  notes?: boolean | { said: string };
}

/**
 * Copies a session's stream from `offset`: everything there is now, or with `follow` until the
 * session ended and its last byte is out (each call long-polls for new output). Why a session
 * not on a node yet has no output (its state and reason) is said on stderr. With `json` each
 * window is printed as one JSON line instead of the bytes.
 */
export async function copyLogs(values: Values, id: string, o: CopyLogsOptions): Promise<void> {
  let offset = o.offset;
  const api = kernelApi(values);
  const to = o.to ?? process.stdout;
  const notes = o.notes ?? true;
  const note =
    notes && o.follow ? waitingNote(values, id, notes === true ? undefined : notes.said) : undefined;
  for (;;) {
    const w = (await api.get('/api/v1/sessions/{id}/logs', {
      path: { id },
      query: { stream: o.stream, offset, limit: LOG_WINDOW, wait: o.follow ? FOLLOW_WAIT_SEC : 0 },
    })) as LogWindow;
    const chunk = Buffer.from(w.data, 'base64');
    if (o.json) await write(process.stdout, Buffer.from(`${JSON.stringify(w)}\n`));
    else await write(to, chunk);
    if (w.skippedBytes > 0 && !o.json)
      process.stderr.write(
        `omega: ${w.skippedBytes} bytes of ${o.stream} were rotated away before offset ${offset + w.skippedBytes}\n`,
      );
    offset = w.nextOffset;
    const drained = offset >= w.endOffset;
    if (w.ended && drained) return;
    if (TERMINAL.has(w.state) && drained && chunk.length === 0) return;
    const waiting = chunk.length === 0 && WAITING.has(w.state);
    if (!o.follow) {
      // Nothing printed and nothing to come yet: say why rather than exit 0 in silence.
      if (waiting && notes) await noOutputYet(values, id);
      if (chunk.length === 0) return;
      continue;
    }
    if (!waiting) continue;
    // Not on a node yet: the route answers at once, so say why, and wait here before asking again.
    if (w.state === 'pending') await note?.();
    await sleep(1000);
  }
}
