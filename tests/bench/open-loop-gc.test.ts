import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { gcMark, gcPausesSince, gcSpansSince } from '../../bench/open-loop-gc-pauses.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempFile = () => {
  const d = mkdtempSync(join(tmpdir(), 'omega-gc-log-'));
  dirs.push(d);
  return join(d, 'gc.log');
};

describe('GC pauses of a bench kernel (open-loop-gc.mjs, gcPausesSince)', () => {
  it('logs a real process’s GC pauses under its pid when preloaded', async () => {
    const file = tempFile();
    const preload = pathToFileURL(join(import.meta.dirname, '../../bench/open-loop-gc.mjs')).href;
    const before = Number(process.hrtime.bigint()) / 1e6;
    // two forced full GCs and enough garbage for scavenges; the observer's batch is flushed before exit
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        preload,
        '-e',
        'let a=[];for(let i=0;i<2e5;i++)a.push({i});a=null;gc();gc();setTimeout(()=>{},200)',
      ],
      { env: { ...process.env, OMEGA_BENCH_GC_FILE: file }, stdio: 'ignore' },
    );
    await once(child, 'exit');
    const after = Number(process.hrtime.bigint()) / 1e6;
    const p = gcPausesSince(file, 0, child.pid!);
    // each pause starts on the monotonic clock every process shares (the open-loop generator's too)
    const spans = gcSpansSince(file, 0, child.pid!);
    expect(spans.length).toBeGreaterThanOrEqual(2);
    for (const span of spans) {
      expect(span.start).toBeGreaterThan(before);
      expect(span.start + span.ms).toBeLessThan(after);
    }
    expect(p.majors).toBeGreaterThanOrEqual(2);
    expect(p.totalMs).toBeGreaterThan(0);
    expect(p.maxMajorMs).toBeGreaterThan(0);
    // another pid's pauses are not counted
    expect(gcPausesSince(file, 0, child.pid! + 1_000_000).totalMs).toBe(0);
  });

  it('counts only what was appended after the mark, by kind, for the one pid', () => {
    const file = tempFile();
    writeFileSync(file, '7 scavenge 9.000\n');
    const mark = gcMark(file);
    appendFileSync(file, '7 scavenge 1.500\n8 scavenge 40.000\n7 mark-compact 12.250\n7 scavenge 0.500\n');
    expect(gcPausesSince(file, mark, 7)).toEqual({
      scavenges: 2,
      maxScavengeMs: 1.5,
      majors: 1,
      maxMajorMs: 12.25,
      totalMs: 14.25,
    });
    // nothing new: all zero; no file: mark 0
    expect(gcPausesSince(file, gcMark(file), 7).totalMs).toBe(0);
    expect(gcMark(join(file, 'missing'))).toBe(0);
  });
});
