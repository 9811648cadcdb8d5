import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downloadLog, listSegments, readLog, searchLog, segmentName } from '../../src/exec/logs/index.js';

/** Segments as omega-shim writes them: files named by the stream offset of their first byte. */
describe('log segments: offsets, rotation, gaps, search and download', () => {
  let dir: string;
  const put = (offset: number, data: Buffer | string) => writeFile(join(dir, segmentName(offset)), data);
  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'omega-logs-')), 'stdout');
    await mkdir(dir);
  });
  afterEach(async () => {
    await rm(join(dir, '..'), { recursive: true, force: true });
  });

  it('reads across segments by absolute offset, byte-exact', async () => {
    await put(0, 'hello ');
    await put(6, Buffer.from([0xff, 0xfe, 0x0a]));
    await put(9, 'world\n');
    const all = await readLog(dir, 0, 100);
    expect(all.data).toEqual(
      Buffer.concat([Buffer.from('hello '), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from('world\n')]),
    );
    expect([all.offset, all.nextOffset, all.startOffset, all.endOffset, all.skippedBytes]).toEqual([
      0, 15, 0, 15, 0,
    ]);
    const mid = await readLog(dir, 4, 4);
    expect([mid.offset, mid.nextOffset, [...mid.data]]).toEqual([4, 8, [0x6f, 0x20, 0xff, 0xfe]]);
    const end = await readLog(dir, 15, 10);
    expect([end.data.length, end.nextOffset]).toEqual([0, 15]);
  });

  it('says how much was rotated away when a reader asks for bytes that are gone', async () => {
    await put(4096, 'b'.repeat(10));
    await put(4106, 'c'.repeat(10));
    const r = await readLog(dir, 100, 5);
    expect([r.offset, r.skippedBytes, r.data.toString(), r.startOffset, r.endOffset]).toEqual([
      4096,
      3996,
      'bbbbb',
      4096,
      4116,
    ]);
  });

  it('skips a gap the disk refused (a segment that starts later than the previous one ends)', async () => {
    await put(0, 'aaaa');
    await put(10, 'bbbb'); // bytes 4–9 were lost (ENOSPC)
    const first = await readLog(dir, 0, 100);
    expect([first.data.toString(), first.nextOffset]).toEqual(['aaaa', 4]);
    const second = await readLog(dir, first.nextOffset, 100);
    expect([second.offset, second.skippedBytes, second.data.toString()]).toEqual([10, 6, 'bbbb']);
  });

  it('bounds a segment by where the next one starts', async () => {
    await put(0, 'abcdefgh');
    await put(4, 'WXYZ');
    expect((await listSegments(dir)).map((s) => [s.start, s.end])).toEqual([
      [0, 4],
      [4, 8],
    ]);
  });

  it('searches line by line with exact offsets, literal bytes or a regex, and continues where it stopped', async () => {
    await put(0, 'one ok\ntwo ERROR x\n');
    await put(
      19,
      Buffer.concat([Buffer.from('three '), Buffer.from([0xff]), Buffer.from(' ERROR y\nfour\n')]),
    );
    const lit = await searchLog(dir, { pattern: 'ERROR' });
    expect(lit.matches.map((m) => [m.offset, m.line.toString('latin1')])).toEqual([
      [7, 'two ERROR x'],
      [19, 'three \xff ERROR y'],
    ]);
    expect(lit.truncated).toBe(false);
    const re = await searchLog(dir, { pattern: '^t\\w+ .*ERROR', regex: true, maxMatches: 1 });
    expect([re.matches.length, re.truncated, re.nextOffset]).toEqual([1, true, 19]);
    const rest = await searchLog(dir, { pattern: '^t\\w+ .*ERROR', regex: true, fromOffset: re.nextOffset });
    expect(rest.matches.map((m) => m.offset)).toEqual([19]);
    const bytes = await searchLog(dir, { pattern: '\xff', regex: true });
    expect(bytes.matches).toHaveLength(0); // a pattern is UTF-8: "ÿ" is C3 BF, not the raw byte FF
  });

  it('refuses a regular expression that backtracks catastrophically instead of hanging the agent', async () => {
    await put(0, `${'a'.repeat(40)}b\nok\n`);
    await expect(searchLog(dir, { pattern: '^(a+)+$', regex: true })).rejects.toMatchObject({
      code: 'OMEGA_ERR_EXEC_INVALID',
      extras: { field: 'pattern' },
    });
    await expect(searchLog(dir, { pattern: '(', regex: true })).rejects.toMatchObject({
      code: 'OMEGA_ERR_EXEC_INVALID',
    });
    expect((await searchLog(dir, { pattern: '^ok$', regex: true })).matches.map((m) => m.offset)).toEqual([
      42,
    ]);
  });

  it('downloads the retained bytes as one stream', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0x61);
    await put(0, big.subarray(0, 2 * 1024 * 1024));
    await put(2 * 1024 * 1024, big.subarray(2 * 1024 * 1024));
    expect((await buffer(downloadLog(dir))).equals(big)).toBe(true);
    expect((await buffer(downloadLog(dir, big.length - 3))).toString()).toBe('aaa');
  });
});
