import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createFrameReader,
  createFrameWriter,
  encodeFrame,
  type Frame,
} from '../../kernel/sandbox/wire/index.js';

describe('frames on the kernel ↔ host channel', () => {
  it('round-trip through any chunking', () => {
    const frames = [
      encodeFrame(6, 7, 1, 'storage.get', '{"a":"é"}'),
      encodeFrame(4, 0xffffffff, 0, '', ''),
      encodeFrame(17, 3, 500, 'route:x', 'x'.repeat(70_000)),
    ];
    const bytes = Buffer.concat(frames);
    for (const size of [1, 3, 15, 1000, bytes.length]) {
      const got: Frame[] = [];
      const read = createFrameReader({
        maxFrameBytes: 1 << 20,
        onFrame: (f) => got.push(f),
        onViolation: (r) => expect.fail(r),
      });
      for (let i = 0; i < bytes.length; i += size) read(bytes.subarray(i, i + size));
      expect(got.map((f) => [f.type, f.id, f.aux, f.meta, f.body.toString()])).toEqual([
        [6, 7, 1, 'storage.get', '{"a":"é"}'],
        [4, 0xffffffff, 0, '', ''],
        [17, 3, 500, 'route:x', 'x'.repeat(70_000)],
      ]);
    }
  });

  it('an oversized frame is a violation before its body is buffered', () => {
    const violations: string[] = [];
    const got: Frame[] = [];
    const read = createFrameReader({
      maxFrameBytes: 100,
      onFrame: (f) => got.push(f),
      onViolation: (r) => violations.push(r),
    });
    read(encodeFrame(4, 1, 0, '', 'x'.repeat(200)).subarray(0, 20));
    read(encodeFrame(4, 2, 0, '', 'ok'));
    expect(violations).toHaveLength(1);
    expect(got).toEqual([]);
  });

  it('frames sent in one turn leave in one write', async () => {
    const out = new PassThrough();
    const writes: Buffer[] = [];
    out.on('data', (c: Buffer) => writes.push(c));
    const w = createFrameWriter(out);
    for (let i = 0; i < 50; i++) w.send(4, i, 0, '', `r${i}`);
    expect(w.queuedBytes()).toBeGreaterThan(0);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(1);
    const got: number[] = [];
    createFrameReader({ maxFrameBytes: 1000, onFrame: (f) => got.push(f.id), onViolation: () => {} })(
      writes[0]!,
    );
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
