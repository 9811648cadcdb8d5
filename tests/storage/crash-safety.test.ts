import { spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CompactionStep } from '../../kernel/storage/index.js';
import { open, removeDir, tempDataDir } from './storage-fixture.js';

const writer = join(import.meta.dirname, 'crash-writer.ts');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await removeDir(d);
});

interface Run {
  lines: string[];
  stderr: string;
}

/**
 * Runs the writer on `dir` until it dies by SIGKILL: sent by the test within ~20 ms once
 * `killAfter` acks and at least one whole compaction were seen, or by the writer itself at
 * a compaction step (`selfKill`).
 */
function runAndKill(dir: string, killAfter: number, selfKill?: [CompactionStep, number]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', writer, dir, ...(selfKill?.map(String) ?? [])],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let buffered = '';
    let stderr = '';
    let acks = 0;
    let compacted = false;
    const lines: string[] = [];
    let armed = false;
    const guard = setTimeout(() => child.kill('SIGKILL'), 45_000); // a self-kill that never comes
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop()!; // a partial last line is not an ack yet
      for (const line of parts) {
        lines.push(line);
        if (line.startsWith('ack ')) acks++;
        if (line.endsWith(' journal-dropped')) compacted = true;
      }
      if (!selfKill && acks >= killAfter && compacted && !armed) {
        armed = true; // then kill within the next ~20 ms, somewhere in a write's phases
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 20);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited by itself (${code}): ${stderr}`));
      else resolve({ lines, stderr });
    });
  });
}

async function allFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    const p = join(root, e.name);
    if (e.isDirectory()) out.push(...(await allFiles(p)));
    else out.push(p);
  }
  return out;
}

const isTemp = (p: string) => /\/\.[^/]+\.tmp$/.test(p);

/** Reopens `dir` and checks that every acknowledged write and every transaction survived whole. */
async function verify(dir: string, run: Run): Promise<void> {
  const latest = new Map<string, number>();
  const txIds = new Set<string>();
  for (const line of run.lines) {
    const [kind, ns, id, v] = line.split(' ');
    if (kind === 'idx') txIds.add(`${ns} ${id}`);
    if (kind !== 'ack') continue;
    const key = `${ns} ${id}`;
    latest.set(key, Math.max(latest.get(key) ?? 0, Number(v)));
  }
  expect(latest.size).toBeGreaterThan(0);

  const storage = await open(dir);
  try {
    for (const [key, version] of latest) {
      const [ns, id] = key.split(' ') as [string, string];
      const rec = await storage.get(ns, 'c', id);
      expect(rec?.version ?? 0, key).toBeGreaterThanOrEqual(version);
    }
    // A transaction wrote the record and its index entry together: never one without the other.
    for (const key of txIds) {
      const [ns, id] = key.split(' ') as [string, string];
      const rec = await storage.get<{ n: number }>(ns, 'c', id);
      const idx = await storage.get<{ n: number }>(ns, 'idx', id);
      expect(idx?.value.n, key).toBe(rec?.value.n);
    }
    // Open removed any temp file a write in flight left behind; every snapshot parses.
    for (const f of await allFiles(dir)) {
      expect(isTemp(f), f).toBe(false);
      if (f.endsWith('.json')) {
        expect((await stat(f)).size).toBeGreaterThan(0);
        JSON.parse(await readFile(f, 'utf8'));
      }
    }
  } finally {
    await storage.close();
  }
}

describe('crash safety (kill -9 during acknowledged writes and compactions)', () => {
  for (let round = 0; round < 5; round++) {
    it(`round ${round + 1}: a kill at a random moment loses no acknowledged write`, async () => {
      const dir = await tempDataDir();
      dirs.push(dir);
      const killAfter = 300 + Math.floor(Math.random() * 900);
      const run = await runAndKill(dir, killAfter);
      // The thresholds are tiny: journals are compacted again and again while the writers run.
      expect(run.lines.some((l) => l.endsWith(' journal-dropped'))).toBe(true);
      await verify(dir, run);
    });
  }

  const steps: CompactionStep[] = [
    'journal-rotated',
    'snapshot-synced',
    'snapshot-renamed',
    'journal-dropped',
  ];
  for (const step of steps) {
    it(`a kill right after the compaction step "${step}" loses no acknowledged write`, async () => {
      const dir = await tempDataDir();
      dirs.push(dir);
      const nth = 2 + Math.floor(Math.random() * 3);
      const run = await runAndKill(dir, 0, [step, nth]);
      const [, killedAt, count] = (await readFile(join(dir, 'killed-at'), 'utf8')).split(' ');
      expect([killedAt, Number(count)]).toEqual([step, nth]); // it died exactly there
      await verify(dir, run);
      // And the store goes on: a second life on the same files, killed at random, loses nothing either.
      const again = await runAndKill(dir, 200);
      await verify(dir, again);
    });
  }
});
