import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit, type Mutation } from '../../kernel/storage/group-commit.js';
import { removeDir, tempDataDir } from './storage-fixture.js';

let dir: string;

beforeEach(async () => {
  dir = await tempDataDir();
});

afterEach(async () => {
  await removeDir(dir);
});

/** A group commit whose write appends each batch as one line of a real file, and records when it began. */
function fileCommit() {
  const file = join(dir, 'batches.txt');
  const started: number[][] = [];
  let fail = false;
  const commit = new GroupCommit<Mutation<number> & { n: number }>(async (batch) => {
    started.push(batch.map((m) => m.n));
    if (fail) throw new Error('disk says no');
    await appendFile(file, `${batch.map((m) => m.n).join(',')}\n`);
  });
  const submit = (n: number) => commit.submit({ n, apply: () => n, undo: () => {} });
  const lines = async () => (await readFile(file, 'utf8')).trim().split('\n');
  return { commit, submit, started, lines, failNext: (on: boolean) => (fail = on) };
}

describe('group commit', () => {
  it('starts a lone mutation’s write before the event loop turns (no timer between a mutation and its write)', async () => {
    const { submit, started, lines } = fileCommit();
    const acked = submit(1);
    expect(started).toHaveLength(0); // not inside submit: others in this run may still join
    await Promise.resolve(); // one microtask later, long before any timer or I/O callback
    expect(started).toEqual([[1]]);
    await expect(acked).resolves.toBe(1);
    expect(await lines()).toEqual(['1']);
  });

  it('mutations made in one synchronous run share one write; those made while it is in flight share the next', async () => {
    const { submit, started, lines } = fileCommit();
    const first = Array.from({ length: 50 }, (_, i) => submit(i));
    await Promise.resolve(); // the first write has started (a microtask away)
    expect(started).toHaveLength(1);
    const second = Array.from({ length: 30 }, (_, i) => submit(100 + i));
    expect(started).toHaveLength(1); // in flight: the 30 wait for it
    await Promise.all([...first, ...second]);
    expect(started.map((b) => b.length)).toEqual([50, 30]);
    expect((await lines()).map((l) => l.split(',').length)).toEqual([50, 30]);
  });

  it('after a failed write, the next one waits a turn, so the failure’s handlers run before it starts', async () => {
    const { submit, started, failNext } = fileCommit();
    failNext(true);
    const failing = submit(1);
    await Promise.resolve();
    const queued = submit(2); // gathers behind the failing write
    let writesWhenHandled = -1;
    const handled = failing.catch(async (err: Error) => {
      // A few promise hops later, as a caller's own handler would be.
      for (let i = 0; i < 5; i++) await Promise.resolve();
      writesWhenHandled = started.length;
      failNext(false);
      return err.message;
    });
    await expect(handled).resolves.toBe('disk says no');
    expect(writesWhenHandled).toBe(1);
    await expect(queued).resolves.toBe(2);
    expect(started).toEqual([[1], [2]]);
  });
});
