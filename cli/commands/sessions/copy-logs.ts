import { setTimeout as sleep } from 'node:timers/promises';
import { kernelApi } from '../../kernel-api.js';
import type { Values } from './flags.js';

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

/** Writes bytes to stdout, waiting for it to drain when its buffer is full. */
function writeOut(buf: Uint8Array): Promise<void> {
  if (buf.length === 0 || process.stdout.write(buf)) return Promise.resolve();
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

/**
 * Copies a session's stream to stdout from `offset`: everything there is now, or with `follow`
 * until the session ended and its last byte is out (each call long-polls for new output).
 * With `json` each window is printed as one JSON line instead of the bytes.
 */
export async function copyLogs(
  values: Values,
  id: string,
  o: { stream: 'stdout' | 'stderr'; offset: number; follow: boolean; json: boolean },
): Promise<void> {
  let offset = o.offset;
  const api = kernelApi(values);
  for (;;) {
    const w = (await api.get('/api/v1/sessions/{id}/logs', {
      path: { id },
      query: { stream: o.stream, offset, limit: LOG_WINDOW, wait: o.follow ? FOLLOW_WAIT_SEC : 0 },
    })) as LogWindow;
    const chunk = Buffer.from(w.data, 'base64');
    if (o.json) await writeOut(Buffer.from(`${JSON.stringify(w)}\n`));
    else await writeOut(chunk);
    if (w.skippedBytes > 0 && !o.json)
      process.stderr.write(
        `omega: ${w.skippedBytes} bytes were rotated away before offset ${offset + w.skippedBytes}\n`,
      );
    offset = w.nextOffset;
    const drained = offset >= w.endOffset;
    if (w.ended && drained) return;
    if (TERMINAL.has(w.state) && drained && chunk.length === 0) return;
    if (!o.follow && chunk.length === 0) return;
    // Not on a node yet: the route answers at once, so wait here before asking again.
    if (chunk.length === 0 && (w.state === 'pending' || w.state === 'starting')) await sleep(1000);
  }
}
