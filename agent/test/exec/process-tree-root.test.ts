import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { listProcesses, pidsOfUid, readProcStat } from '../../src/exec/proc/proc-stat.js';
import { ProcessTreeGroup } from '../../src/exec/proc/process-tree-group.js';
import { isRoot } from './exec-harness.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) c.kill('SIGKILL');
});

/** A shell with a `sleep` child: the shell's pid and start ticks, and the child's pid. */
async function treeWithChild(): Promise<{ root: number; ticks: number; child: number }> {
  const sh = spawn('sh', ['-c', 'sleep 60 & wait'], { stdio: 'ignore' });
  started.push(sh);
  const root = sh.pid as number;
  for (let i = 0; i < 500; i++) {
    const child = (await listProcesses()).find((p) => p.ppid === root);
    const stat = await readProcStat(root);
    if (child && stat) return { root, ticks: stat.startTicks, child: child.pid };
    await sleep(10);
  }
  throw new Error('the shell never forked its sleep');
}

describe('a process tree rooted at a pid with known start ticks', () => {
  it('holds the tree below the root while the root runs with those ticks', async () => {
    const t = await treeWithChild();
    const g = new ProcessTreeGroup(t.root, { includeRoot: true, uid: null, rootStartTicks: t.ticks });
    expect((await g.pids()).sort()).toEqual([t.root, t.child].sort());
  });

  it('holds nothing of a process on that pid started at another time (a reused pid), for good', async () => {
    const t = await treeWithChild();
    // The group was built for a root that started one tick earlier: the pid now names another process.
    const g = new ProcessTreeGroup(t.root, { includeRoot: true, uid: null, rootStartTicks: t.ticks - 1 });
    expect(await g.pids()).toEqual([]);
    expect(await g.pids()).toEqual([]);
    expect(await readProcStat(t.child)).not.toBeNull(); // the stranger's child still runs: it was never ours
  });

  it('treats start ticks 0 as not known (a root gone before its stat was read)', async () => {
    const t = await treeWithChild();
    const g = new ProcessTreeGroup(t.root, { includeRoot: false, uid: null, rootStartTicks: 0 });
    expect(await g.pids()).toEqual([t.child]);
  });
});

describe.skipIf(!isRoot)('the processes of a session uid', () => {
  it('leave out an unreaped zombie (it would keep a failed start’s uid reserved for good)', async () => {
    const uid = 61_999;
    // A parent that never reaps: its child switches to `uid`, then exits (a zombie of that uid).
    const parent = spawn(
      'python3',
      [
        '-c',
        `import os, time\npid = os.fork()\nif pid == 0:\n  os.setgid(${uid}); os.setuid(${uid}); time.sleep(0.2); os._exit(0)\nprint(pid, flush=True)\ntime.sleep(60)`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    started.push(parent);
    const child = Number(await new Promise<string>((r) => parent.stdout?.once('data', (b) => r(String(b)))));
    // While it runs it is the uid's; once it exits unreaped it is a zombie, and no longer counted.
    for (let i = 0; i < 500 && !(await pidsOfUid(uid)).includes(child); i++) await sleep(5);
    expect(await pidsOfUid(uid)).toEqual([child]);
    for (let i = 0; i < 500 && (await readProcStat(child))?.state !== 'Z'; i++) await sleep(10);
    expect((await readProcStat(child))?.state).toBe('Z');
    expect(await pidsOfUid(uid)).toEqual([]);
  });
});
