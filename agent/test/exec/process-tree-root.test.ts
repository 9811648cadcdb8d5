import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { listProcesses, pidsOfUid, readProcFile, readProcStat } from '../../src/exec/proc/proc-stat.js';
import { ProcessTreeGroup } from '../../src/exec/proc/process-tree-group.js';
import { hasCc, isRoot } from './exec-harness.js';

/** The tests' jobs are python3 one-liners (fork without reaping, setgroups, setresuid, comm). */
const py = (() => {
  try {
    execFileSync('python3', ['-c', '']);
    return true;
  } catch {
    return false;
  }
})();
if (!py) console.warn('[agent/test/exec/process-tree-root] SKIPPED: no python3');

/** Every process a test started, its children included: killed after each test. */
const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0))
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
});
const spawned = (c: ChildProcess): ChildProcess => {
  started.push(c.pid as number);
  return c;
};

/** Waits until `check` holds (bounded by the test's own timeout). */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(10);
}

/** The first output of a process spawned with a piped stdout. */
const firstOutput = (c: ChildProcess): Promise<string> =>
  new Promise((r) => c.stdout?.once('data', (b) => r(String(b))));

/** A shell with a `sleep` child: the shell's pid and start ticks, and the child's pid. */
async function treeWithChild(): Promise<{ root: number; ticks: number; child: number }> {
  const root = spawned(spawn('sh', ['-c', 'sleep 60 & wait'], { stdio: 'ignore' })).pid as number;
  for (let i = 0; i < 500; i++) {
    const child = (await listProcesses()).find((p) => p.ppid === root);
    const stat = await readProcStat(root);
    if (child && stat) {
      started.push(child.pid);
      return { root, ticks: stat.startTicks, child: child.pid };
    }
    await sleep(10);
  }
  throw new Error('the shell never forked its sleep');
}

describe.skipIf(!py)('a process tree rooted at a pid with known start ticks', () => {
  it('counts and kills a process whose command name spells a status line after \\r, U+2028 or U+2029', async () => {
    // A multiline regex starts a line after each of them; the kernel escapes only \n in the name.
    const names = ['\rState:\tZ', '\u2028PPid:\t1', '\u2029State:\tX'];
    const code = [
      'import sys, time',
      "open('/proc/self/comm', 'w').write(sys.argv[1])",
      "print('ready', flush=True)",
      'time.sleep(60)',
    ].join('\n');
    for (const name of names) {
      const root = spawned(
        spawn('sh', ['-c', 'python3 -c "$0" "$1" & wait', code, name], {
          stdio: ['ignore', 'pipe', 'inherit'],
        }),
      );
      await firstOutput(root);
      const ticks = (await readProcStat(root.pid as number))!.startTicks;
      const job = (await listProcesses()).find((p) => p.ppid === root.pid)!;
      started.push(job.pid);
      expect(await readProcFile(`/proc/${job.pid}/comm`)).toBe(`${name}\n`);
      const g = new ProcessTreeGroup(root.pid as number, {
        includeRoot: false,
        uid: null,
        rootStartTicks: ticks,
      });
      expect(await g.pids()).toEqual([job.pid]);
      expect((await g.usage()).pidsCurrent).toBe(1);
      expect(await g.killUntilEmpty(10_000)).toBe(true);
      const after = await readProcStat(job.pid);
      expect(after === null || after.state === 'Z').toBe(true); // killed (left for its parent to reap)
    }
  });

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

  it('leaves out an unreaped zombie below the root', async () => {
    // A parent that never reaps: its child exits at once.
    const parent = spawned(
      spawn(
        'python3',
        [
          '-c',
          'import os, time\npid = os.fork()\nif pid == 0: os._exit(0)\nprint(pid, flush=True)\ntime.sleep(60)',
        ],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      ),
    );
    const root = parent.pid as number;
    const child = Number(await firstOutput(parent));
    await until(async () => (await readProcStat(child))?.state === 'Z');
    const ticks = (await readProcStat(root))?.startTicks;
    const g = new ProcessTreeGroup(root, { includeRoot: true, uid: null, rootStartTicks: ticks });
    expect(await g.pids()).toEqual([root]);
  });
});

const cc = await hasCc();

/** A uid no other test uses (the exec harnesses take ranges from 3,000,000). */
const freshUid = () => 2_000_000 + randomInt(0, 900_000);

describe.skipIf(!isRoot || !py)('the processes of a session uid', () => {
  it('leave out an unreaped zombie (it would keep a failed start’s uid reserved for good)', async () => {
    const uid = freshUid();
    // A parent that never reaps: its child switches to `uid`, waits for stdin to close, exits.
    const parent = spawned(
      spawn(
        'python3',
        [
          '-c',
          `import os, sys, time\npid = os.fork()\nif pid == 0:\n  os.setgid(${uid}); os.setuid(${uid}); sys.stdin.read(); os._exit(0)\nprint(pid, flush=True)\ntime.sleep(60)`,
        ],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      ),
    );
    const child = Number(await firstOutput(parent));
    started.push(child);
    await until(async () => (await pidsOfUid(uid)).includes(child));
    expect(await pidsOfUid(uid)).toEqual([child]);
    parent.stdin?.end();
    await until(async () => (await readProcStat(child))?.state === 'Z');
    expect(await pidsOfUid(uid)).toEqual([]);
  });

  // Each pass over /proc is fresh: a process takes the uid without a new pid (setuid, exec of a setuid binary).
  it.each([
    ['its real and effective uid', 'os.setresuid(uid, uid, uid)'],
    ['its real uid only (a setuid-root binary it runs)', 'os.setresuid(uid, 0, 0)'],
    ['its effective uid only (a setuid binary of the uid another user runs)', 'os.setresuid(0, uid, 0)'],
  ])('count a process that takes %s after the group first looked, and kill it', async (_, setuid) => {
    const uid = freshUid();
    const p = spawned(
      spawn(
        'python3',
        [
          '-c',
          `import os, sys, time\nuid = ${uid}\nsys.stdin.readline()\n${setuid}\nprint('switched', flush=True)\ntime.sleep(60)`,
        ],
        {
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      ),
    );
    const g = new ProcessTreeGroup(0, { includeRoot: false, uid });
    await until(async () => (await readProcStat(p.pid as number)) !== null);
    expect((await g.usage()).pidsCurrent).toBe(0);
    expect(await g.pids()).toEqual([]);
    const switched = firstOutput(p);
    p.stdin?.write('go\n');
    await switched;
    expect(await g.pids()).toEqual([p.pid]); // no new pid appeared: a cache of the pids in /proc would miss it
    expect((await g.usage()).pidsCurrent).toBe(1);
    expect(await g.killUntilEmpty(10_000)).toBe(true);
  });

  it('count a process whose status is longer than one read (thousands of supplementary groups)', async () => {
    const uid = freshUid();
    const p = spawned(
      spawn(
        'python3',
        [
          '-c',
          `import os, time\nos.setgroups(list(range(100000, 103000)))\nos.setresuid(${uid}, ${uid}, ${uid})\nprint('ready', flush=True)\ntime.sleep(60)`,
        ],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      ),
    );
    await firstOutput(p);
    expect((await readProcFile(`/proc/${p.pid}/status`))?.length).toBeGreaterThan(16_384);
    expect(await pidsOfUid(uid)).toEqual([p.pid]);
  });

  it('do not take a process whose command name spells a Uid line for theirs', async () => {
    const uid = freshUid();
    const p = spawned(
      spawn(
        'python3',
        [
          '-c',
          `import time\nopen('/proc/self/comm', 'w').write('x\\nUid:\\t${uid}')\nprint('ready', flush=True)\ntime.sleep(60)`,
        ],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      ),
    );
    await firstOutput(p);
    expect(await readProcFile(`/proc/${p.pid}/comm`)).toBe(`x\nUid:\t${uid}\n`);
    expect(await pidsOfUid(uid)).toEqual([]);
  });

  describe.skipIf(!cc)('a process whose main thread exited while another runs on', () => {
    let dir = '';
    afterAll(() => rm(dir, { recursive: true, force: true }));

    it('is still the uid’s (its leader reads as a zombie): a job cannot hide from the kill that way', async () => {
      dir = await mkdtemp(join(tmpdir(), 'omega-zleader-'));
      const uid = freshUid();
      await writeFile(
        join(dir, 'zleader.c'),
        [
          '#include <pthread.h>',
          '#include <stdio.h>',
          '#include <unistd.h>',
          'static void *worker(void *a) { (void)a; for (;;) pause(); return 0; }',
          'int main(void) {',
          `  if (setgid(${uid}) || setuid(${uid})) { perror("setuid"); return 1; }`,
          '  pthread_t t; pthread_create(&t, 0, worker, 0);',
          '  printf("%d\\n", getpid()); fflush(stdout);',
          '  pthread_exit(0);',
          '}',
          '',
        ].join('\n'),
      );
      await promisify(execFile)('cc', [
        '-O2',
        '-pthread',
        '-o',
        join(dir, 'zleader'),
        join(dir, 'zleader.c'),
      ]);
      const p = spawned(spawn(join(dir, 'zleader'), [], { stdio: ['ignore', 'pipe', 'inherit'] }));
      const pid = Number(await firstOutput(p));
      await until(async () => (await readProcStat(pid))?.state === 'Z');
      expect(await pidsOfUid(uid)).toEqual([pid]);
      expect((await readProcStat(pid))?.threads).toBe(2);
      const g = new ProcessTreeGroup(0, { includeRoot: false, uid });
      expect(await g.killUntilEmpty(10_000)).toBe(true);
      expect(await readProcStat(pid)).toBeNull();
    });
  });
});
