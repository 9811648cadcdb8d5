import { spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { open, removeDir, tempDataDir } from './storage-fixture.js';

const writer = join(import.meta.dirname, 'crash-writer.ts');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await removeDir(d);
});

/** Runs the writer on `dir` and SIGKILLs it once `killAfter` acks were seen; returns the acks. */
function runAndKill(dir: string, killAfter: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', writer, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    let stderr = '';
    const acks: string[] = [];
    let armed = false;
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!; // a partial last line is not an ack yet
      for (const line of lines) if (line.startsWith('ack ')) acks.push(line);
      if (acks.length >= killAfter && !armed) {
        armed = true; // then kill within the next ~20 ms, somewhere in a write's phases
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 20);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited by itself (${code}): ${stderr}`));
      else resolve(acks);
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

describe('crash safety (kill -9 during acknowledged writes)', () => {
  for (let round = 0; round < 5; round++) {
    it(`round ${round + 1}: every acked write survives and every file is valid JSON`, async () => {
      const dir = await tempDataDir();
      dirs.push(dir);
      const killAfter = 200 + Math.floor(Math.random() * 600);
      const acks = await runAndKill(dir, killAfter);
      expect(acks.length).toBeGreaterThanOrEqual(killAfter);

      const files = await allFiles(dir);
      for (const f of files.filter((p) => !isTemp(p))) {
        await expect(readFile(f, 'utf8').then(JSON.parse), f).resolves.toBeDefined();
      }

      const storage = await open(dir);
      const latest = new Map<string, number>();
      for (const line of acks) {
        const [, ns, id, v] = line.split(' ');
        const key = `${ns} ${id}`;
        latest.set(key, Math.max(latest.get(key) ?? 0, Number(v)));
      }
      for (const [key, version] of latest) {
        const [ns, id] = key.split(' ') as [string, string];
        const rec = await storage.get(ns, 'c', id);
        expect(rec?.version ?? 0, key).toBeGreaterThanOrEqual(version);
      }
      // Open removed any temp file a write in flight left behind; what remains parses.
      for (const f of await allFiles(dir)) {
        expect(isTemp(f), f).toBe(false);
        expect((await stat(f)).size).toBeGreaterThan(0);
        JSON.parse(await readFile(f, 'utf8'));
      }
      await storage.close();
    });
  }
});
