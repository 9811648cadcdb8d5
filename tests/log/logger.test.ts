import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const WRITER = join(import.meta.dirname, 'log-writer.ts');
const LINES = 4000; // ~1.2 MB: far more than a pipe (64 KiB) and the reader's buffer hold

/** Runs log-writer.ts with stdout a pipe that nobody reads until it said `logged` on stderr. */
function runWriter(mode: 'stall' | 'fatal', maxBufferBytes: number, readUntil?: RegExp) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', WRITER, mode, String(LINES), String(maxBufferBytes)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  child.stdout.pause();
  let stdout = '';
  let stderr = '';
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      if (!stderr.startsWith('logged\n')) return;
      // Only now is stdout read: every log call above returned while it was full.
      child.stdout.on('data', (o: Buffer) => {
        stdout += o;
        if (
          readUntil?.test(stdout) ||
          (!readUntil && mode === 'stall' && stdout.includes(`"i":${LINES - 1},`))
        )
          child.stdin.end();
      });
      child.stdout.resume();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return done;
}

const records = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the kernel logger', () => {
  it('never blocks the event loop on a stalled stdout, and loses no line it could hold', async () => {
    const r = await runWriter('stall', 16 * 1024 * 1024);
    expect(r.code).toBe(0);
    const lines = records(r.stdout).filter((x) => x.msg === 'line');
    expect(lines.map((x) => x.i)).toEqual(Array.from({ length: LINES }, (_, i) => i));
  });

  it('holds a bounded buffer: past it lines are dropped, counted, and the count is logged', async () => {
    const r = await runWriter('stall', 64 * 1024, /log lines dropped/);
    expect(r.code).toBe(0);
    const all = records(r.stdout);
    const kept = all.filter((x) => x.msg === 'line').length;
    const notice = all.find((x) => String(x.msg).startsWith('log lines dropped'));
    expect(notice).toMatchObject({ level: 'warn' });
    expect(kept).toBeLessThan(LINES);
    expect(kept + Number(notice?.dropped)).toBe(LINES);
  });

  it('on an uncaught error: every buffered line, then the fatal one, one stderr line, exit 1', async () => {
    const r = await runWriter('fatal', 16 * 1024 * 1024);
    expect(r.code).toBe(1);
    const all = records(r.stdout);
    expect(all.filter((x) => x.msg === 'line')).toHaveLength(LINES);
    const fatal = all.at(-1) as { level: string; msg: string; err: { message: string; stack: string } };
    expect(fatal.level).toBe('fatal');
    expect(fatal.msg).toMatch(/uncaught exception/);
    expect(fatal.err.message).toBe('boom for the test');
    expect(r.stderr.trim().split('\n')).toEqual([
      'logged',
      'omega: fatal uncaught exception: boom for the test (details in the log)',
    ]);
  });
});
