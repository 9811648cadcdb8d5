import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { open, removeDir, tempDataDir } from './storage-fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDataDir();
});
afterEach(async () => {
  await removeDir(dir);
});

const file = (ns: string, name: string) => join(dir, 'ephemeral', `${ns}.${name}.json`);
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe('ephemeral stores', () => {
  it('round-trips across close and open', async () => {
    const storage = await open(dir);
    const beats = storage.ephemeral('nodes', 'heartbeats');
    for (let i = 0; i < 1000; i++) beats.set(`node-${i % 100}`, { at: i, load: [i / 10, 0.5] });
    beats.delete('node-0');
    expect(beats.size).toBe(99);
    expect(await exists(file('nodes', 'heartbeats'))).toBe(false); // not written per set
    await storage.close();

    const again = await open(dir);
    const loaded = again.ephemeral('nodes', 'heartbeats');
    expect(loaded.size).toBe(99);
    expect(loaded.get('node-42')).toEqual({ at: 942, load: [94.2, 0.5] });
    expect(loaded.get('node-0')).toBeUndefined();
    expect(loaded.entries()[0]).toEqual(['node-1', { at: 901, load: [90.1, 0.5] }]);
    await again.close();
  });

  it('writes a changed store on its interval, and only when changed', async () => {
    const storage = await open(dir);
    const samples = storage.ephemeral('metrics', 'samples', { flushIntervalMs: 20 });
    samples.set('cpu', 0.5);
    while (!(await exists(file('metrics', 'samples')))) await new Promise((r) => setTimeout(r, 10));
    const first = await stat(file('metrics', 'samples'));
    await new Promise((r) => setTimeout(r, 100)); // several intervals, nothing changed
    const still = await stat(file('metrics', 'samples'));
    expect([still.ino, still.mtimeMs]).toEqual([first.ino, first.mtimeMs]);
    expect(JSON.parse(await readFile(file('metrics', 'samples'), 'utf8'))).toEqual({
      format: 1,
      entries: { cpu: 0.5 },
    });
    samples.set('cpu', 0.7);
    await samples.flush();
    expect(JSON.parse(await readFile(file('metrics', 'samples'), 'utf8')).entries.cpu).toBe(0.7);
    await storage.close();
  });

  it('copies values, validates them, returns the same store per name and closes it', async () => {
    const storage = await open(dir);
    const s = storage.ephemeral('app', 'state');
    expect(storage.ephemeral('app', 'state')).toBe(s);
    const v = { list: [1] };
    s.set('k', v);
    v.list.push(2);
    s.get<typeof v>('k')!.list.push(3);
    expect(s.get('k')).toEqual({ list: [1] });
    expect(() => s.set('k', { f: () => 1 })).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_VALIDATION' }),
    );
    expect(() => s.set('', 1)).toThrow(expect.objectContaining({ code: 'OMEGA_ERR_VALIDATION' }));
    expect(() => storage.ephemeral('app', 'a.b')).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_VALIDATION' }),
    );
    await storage.close();
    expect(() => s.set('k', 1)).toThrow(expect.objectContaining({ code: 'OMEGA_ERR_STORAGE_CLOSED' }));
    expect((await readdir(join(dir, 'ephemeral'))).sort()).toEqual(['app.state.json']);
  });

  it("its timer is unref'd: a process that never closes storage still exits by itself", async () => {
    const root = join(import.meta.dirname, '..', '..');
    const script = `
      import { openStorage } from ${JSON.stringify(join(root, 'kernel/storage/index.ts'))};
      import { createLogger } from ${JSON.stringify(join(root, 'kernel/log/index.ts'))};
      const s = await openStorage({ dataDir: ${JSON.stringify(dir)}, logger: createLogger({ level: 'silent' }) });
      s.ephemeral('app', 'beats', { flushIntervalMs: 60000 }).set('k', 1);
      await s.set('app', 'c', 'k', 1);
      console.log('done');`;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
        (err, out) => (err ? reject(err) : resolve(out)),
      );
    });
    expect(stdout.trim()).toBe('done');
    expect(await readdir(join(dir, 'ephemeral'))).toEqual([]); // never flushed: that batch is lost, by design
  });
});
