import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket as NetSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  answerPerChunk,
  createFrameReader,
  createFrameWriter,
  encodeFrame,
  type Frame,
} from '../../kernel/sandbox/wire/index.js';

/** Two ends of a real unix socket in a temp dir; `close` ends both and removes the dir. */
async function socketPair(): Promise<{ client: NetSocket; peer: NetSocket; close: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'omega-wire-'));
  const path = join(dir, 's.sock');
  const server = createServer();
  server.listen(path);
  await once(server, 'listening');
  const client = connect(path);
  const [peer] = (await once(server, 'connection')) as [NetSocket];
  await once(client, 'connect');
  return {
    client,
    peer,
    close() {
      client.destroy();
      peer.destroy();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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

  it('answers queued while a chunk is read leave in one write before the read returns', () => {
    const writes: Buffer[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        writes.push(Buffer.from(chunk));
        done();
      },
    });
    const w = createFrameWriter(out);
    const onData = answerPerChunk(
      createFrameReader({
        maxFrameBytes: 1000,
        onFrame: (f) => w.send(4, f.id, 0, '', `r${f.id}`),
        onViolation: (r) => expect.fail(r),
      }),
      w,
    );
    onData(Buffer.concat([encodeFrame(17, 1, 0, 'route:a', ''), encodeFrame(17, 2, 0, 'route:a', '')]));
    // No turn has passed: the answers were written within the read, both in one write.
    expect(w.queuedBytes()).toBe(0);
    expect(writes).toHaveLength(1);
    const got: string[] = [];
    createFrameReader({
      maxFrameBytes: 1000,
      onFrame: (f) => got.push(f.body.toString()),
      onViolation: () => {},
    })(writes[0]!);
    expect(got).toEqual(['r1', 'r2']);
    // A chunk that completes no frame writes nothing.
    onData(encodeFrame(17, 3, 0, 'route:a', '').subarray(0, 5));
    expect(writes).toHaveLength(1);
  });

  it('writes exactly the bytes encodeFrame makes, multi-byte text and lone surrogates included', async () => {
    const out = new PassThrough();
    const writes: Buffer[] = [];
    out.on('data', (c: Buffer) => writes.push(c));
    const w = createFrameWriter(out);
    const cases: Array<[number, number, number, string, string]> = [
      [17, 1, 30_000, 'route:hello', '{"a":"é€😀"}'],
      [18, 0xffffffff, 1, '', ''],
      [6, 2, 0, 'ménage', `x\ud800y${'ü'.repeat(20_000)}`],
      [4, 3, 0, '', 'z'.repeat(40_000)],
    ];
    for (const c of cases) w.send(...c);
    await new Promise((r) => setImmediate(r));
    expect(Buffer.concat(writes).equals(Buffer.concat(cases.map((c) => encodeFrame(...c))))).toBe(true);
  });

  it('a refused frame (meta over 65535 bytes) leaves the frames already queued intact', async () => {
    const out = new PassThrough();
    const writes: Buffer[] = [];
    out.on('data', (c: Buffer) => writes.push(c));
    const w = createFrameWriter(out);
    w.send(4, 1, 0, '', 'kept');
    expect(() => w.send(6, 2, 0, 'm'.repeat(70_000), 'x')).toThrow(RangeError);
    await new Promise((r) => setImmediate(r));
    expect(Buffer.concat(writes).equals(encodeFrame(4, 1, 0, '', 'kept'))).toBe(true);
  });

  it('a length prefix split across chunks, and an oversized frame announced across chunks, are read right', () => {
    const bytes = Buffer.concat([encodeFrame(4, 1, 0, '', 'a'), encodeFrame(4, 2, 0, 'm', 'bb')]);
    const got: number[] = [];
    const read = createFrameReader({
      maxFrameBytes: 100,
      onFrame: (f) => got.push(f.id),
      onViolation: (r) => expect.fail(r),
    });
    // the first frame whole plus 2 bytes of the second's length, then byte by byte
    const cut = encodeFrame(4, 1, 0, '', 'a').length + 2;
    read(bytes.subarray(0, cut));
    for (let i = cut; i < bytes.length; i++) read(bytes.subarray(i, i + 1));
    expect(got).toEqual([1, 2]);

    const violations: string[] = [];
    const big = encodeFrame(4, 3, 0, '', 'x'.repeat(500));
    const read2Got: number[] = [];
    const read2 = createFrameReader({
      maxFrameBytes: 100,
      onFrame: (f) => read2Got.push(f.id),
      onViolation: (r) => violations.push(r),
    });
    read2(Buffer.concat([encodeFrame(4, 1, 0, '', ''), big.subarray(0, 1)]));
    read2(big.subarray(1, 3));
    expect(violations).toEqual([]);
    read2(big.subarray(3, 30));
    expect(violations).toHaveLength(1);
    expect(read2Got).toEqual([1]);
  });

  it('on a real socket a small turn buffer is reused by the next turn, a turn over 64 KiB is not kept', async () => {
    const { client, peer, close } = await socketPair();
    try {
      peer.resume();
      // The memory each turn's write hands to the socket (the writer's buffer, or a copy).
      const chunks: ArrayBufferLike[] = [];
      const write = client.write.bind(client) as (chunk: Uint8Array) => boolean;
      client.write = ((chunk: Uint8Array) => {
        chunks.push(chunk.buffer);
        return write(chunk);
      }) as typeof client.write;
      const w = createFrameWriter(client);
      const turn = async (body: string) => {
        w.send(4, 1, 0, '', body);
        await new Promise((r) => setImmediate(r));
        await new Promise((r) => setImmediate(r)); // the write has left: nothing queued
        expect(client.writableLength).toBe(0);
      };
      await turn('small');
      await turn('small again');
      expect(chunks[1]).toBe(chunks[0]); // reused
      await turn('x'.repeat(100 * 1024));
      expect(chunks[2]).not.toBe(chunks[1]); // grown past 64 KiB for this turn…
      await turn('small after');
      expect(chunks[3]).not.toBe(chunks[2]); // …and not kept after it
      await turn('small once more');
      expect(chunks[4]).toBe(chunks[3]); // a small buffer is kept again
    } finally {
      close();
    }
  });

  it('on a real socket whose peer stops reading, every turn arrives intact and in order once it reads again', async () => {
    const { client, peer, close } = await socketPair();
    try {
      peer.pause();
      const w = createFrameWriter(client);
      const turns = 400;
      const body = (t: number, i: number) => `${t}:${i}:${'q'.repeat((t * 7 + i * 13) % 3000)}`;
      // Many turns while nothing is read: the socket's buffers fill and writes have to wait.
      for (let t = 0; t < turns; t++) {
        for (let i = 0; i < 5; i++) w.send(4, t * 5 + i, t, 'm', body(t, i));
        await new Promise((r) => setImmediate(r));
      }
      expect(client.writableLength).toBeGreaterThan(0);
      const got: Array<[number, string]> = [];
      const violations: string[] = [];
      const read = createFrameReader({
        maxFrameBytes: 1 << 20,
        onFrame: (f) => got.push([f.id, f.body.toString()]),
        onViolation: (r) => violations.push(r),
      });
      peer.on('data', read);
      peer.resume();
      for (let n = 0; n < 1000 && got.length < turns * 5 && violations.length === 0; n++)
        await new Promise((r) => setTimeout(r, 10));
      expect(violations).toEqual([]);
      const want = Array.from({ length: turns * 5 }, (_, k): [number, string] => [
        k,
        body(Math.floor(k / 5), k % 5),
      ]);
      expect(got).toEqual(want);
    } finally {
      close();
    }
  });
});
