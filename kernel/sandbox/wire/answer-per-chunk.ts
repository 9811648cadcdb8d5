import type { FrameWriter } from './create-frame-writer.js';

/**
 * A socket's `data` handler that answers within the read: `read` decodes the chunk (its frames'
 * handlers queue their answers on `writer`), then whatever they queued leaves in one write
 * before the handler returns, instead of at the writer's `setImmediate` a loop phase later. The
 * frames of one chunk still go out together; frames queued outside a read (timers) keep the
 * writer's per-turn flush. The plugin host reads its kernel channel this way: an answer no
 * longer waits for the rest of the host's poll phase (bench/open-loop-host-flags.bench.ts).
 */
export function answerPerChunk(read: (chunk: Buffer) => void, writer: FrameWriter): (chunk: Buffer) => void {
  return (chunk) => {
    read(chunk);
    if (writer.queuedBytes() > 0) writer.flush();
  };
}
