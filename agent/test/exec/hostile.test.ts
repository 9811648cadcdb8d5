import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness, hostileBinary, skipReason, waitFor } from './exec-harness.js';

const reason = await skipReason();
if (reason) console.warn(`[agent/test/exec/hostile] SKIPPED: ${reason}`);

const text = async (h: Harness, id: string) =>
  (await h.ex.logs(id, { stream: 'stdout', limit: 1 << 20 })).data.toString('utf8');

describe.skipIf(reason !== null)(`hostile workloads${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let h: Harness;
  let bin: string;
  beforeAll(async () => {
    h = await harness();
    bin = await hostileBinary();
  });
  afterAll(async () => {
    await h?.cleanup();
  });

  /** Terminates and checks the two promises of a tree kill: nothing of the session runs, its cgroups are gone. */
  async function terminateClean(id: string, graceMs = 0) {
    const end = await h.ex.terminate(id, { graceMs });
    expect(end.phase).toBe('ended');
    expect(await h.leftovers()).toEqual([]);
    for (const dir of await h.cgroupDirs(id)) await expect(readdir(dir)).rejects.toThrow();
    return end;
  }

  it('holds a fork bomb at its pids limit, and a terminate leaves nothing', async () => {
    await h.ex.start({ id: 'forkbomb', command: bin, args: ['fork-bomb'], resources: { pidsMax: 64 } });
    const u = await waitFor(async () => {
      const s = await h.ex.usage('forkbomb');
      return s && s.pidsCurrent !== null && s.pidsCurrent >= 60 ? s : null;
    }, 'the bomb to reach its limit');
    expect(u.pidsCurrent).toBeLessThanOrEqual(64);
    await sleep(300);
    expect((await h.ex.usage('forkbomb'))!.pidsCurrent).toBeLessThanOrEqual(64);
    await terminateClean('forkbomb');
  });

  it('holds a thread bomb at its pids limit (threads count), and a terminate leaves nothing', async () => {
    await h.ex.start({ id: 'threadbomb', command: bin, args: ['thread-bomb'], resources: { pidsMax: 100 } });
    await waitFor(
      async () => ((await h.ex.usage('threadbomb'))?.pidsCurrent ?? 0) >= 95,
      'the bomb to reach its limit',
    );
    const pid = h.ex.status('threadbomb').pid!;
    const threads = Number(/Threads:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1]);
    expect(threads).toBeLessThanOrEqual(100);
    await terminateClean('threadbomb');
  });

  it('ends a zombie farm cleanly: the zombies are reaped and the session empties', async () => {
    await h.ex.start({
      id: 'zombies',
      command: bin,
      args: ['zombie-farm', '200'],
      resources: { pidsMax: 1000 },
    });
    await waitFor(async () => (await text(h, 'zombies')).includes('farmed 200'), 'the farm');
    await terminateClean('zombies');
  });

  it('freezes and kills a process that ignores SIGTERM and SIGTSTP', async () => {
    await h.ex.start({ id: 'deaf', command: bin, args: ['ignore-signals'] });
    await waitFor(async () => (await text(h, 'deaf')).includes('ignoring'), 'the signals to be ignored');
    await h.ex.pause('deaf', { graceMs: 50 });
    const a = (await h.ex.usage('deaf'))!.cpuTotalSec;
    await sleep(300);
    expect((await h.ex.usage('deaf'))!.cpuTotalSec).toBe(a);
    await h.ex.resume('deaf');
    const end = await terminateClean('deaf', 200);
    expect(end.exit?.signal).toBe('SIGKILL');
  });

  it('kills a process that respawns in a new session on every signal', async () => {
    await h.ex.start({ id: 'respawn', command: bin, args: ['respawn'] });
    await waitFor(async () => (await h.leftovers()).length > 0, 'the respawner');
    const end = await terminateClean('respawn', 300);
    expect(end.outcome).toBe('terminated');
  });

  it('reports a session that ends while it is being paused (its main process respawns and exits on SIGTSTP)', async () => {
    await h.ex.start({ id: 'tstp-respawn', command: bin, args: ['respawn'] });
    await waitFor(async () => (await h.leftovers()).length > 0, 'the respawner');
    await expect(h.ex.pause('tstp-respawn', { graceMs: 100 })).rejects.toMatchObject({
      code: 'OMEGA_ERR_EXEC_STATE',
    });
    const end = await h.ex.wait('tstp-respawn');
    expect([end.outcome, end.exit?.code]).toEqual(['succeeded', 0]);
    expect(await h.leftovers()).toEqual([]);
  });

  it('kills a daemon below a subreaper of the session’s own (prctl) and daemons double-forked with setsid and nohup', async () => {
    const script = `nohup ${bin} sleep >/dev/null 2>&1 & setsid ${bin} daemon; exec ${bin} subreaper`;
    await h.ex.start({ id: 'subreaper', script });
    await waitFor(async () => (await text(h, 'subreaper')).includes('subreaper ready'), 'the subreaper');
    await waitFor(async () => (await h.leftovers()).length >= 4, 'the daemons');
    await terminateClean('subreaper');
  });

  it('ends a session when its main process exits: daemons it left are killed before the end is published', async () => {
    let leftAtEnd: number[] | null = null;
    const off = h.ex.on('state', (e) => {
      if (e.id === 'daemons' && e.phase === 'ended') void h.leftovers().then((l) => (leftAtEnd = l));
    });
    await h.ex.start({
      id: 'daemons',
      script: `${bin} daemon; setsid ${bin} sleep & (${bin} sleep &); exit 0`,
    });
    const end = await h.ex.wait('daemons');
    off();
    expect([end.outcome, end.exit?.code]).toEqual(['succeeded', 0]);
    await waitFor(() => leftAtEnd, 'the leftover check');
    expect(leftAtEnd).toEqual([]);
  });

  it('kills a process that renamed itself after the agent, and only it', async () => {
    const agentName = (await readFile('/proc/self/comm', 'utf8')).trim();
    await h.ex.start({ id: 'rename', command: bin, args: ['rename', agentName] });
    await waitFor(async () => (await text(h, 'rename')).includes('renamed'), 'the rename');
    const pid = h.ex.status('rename').pid!;
    expect((await readFile(`/proc/${pid}/comm`, 'utf8')).trim()).toBe(agentName);
    await terminateClean('rename');
    expect((await readFile('/proc/self/comm', 'utf8')).trim()).toBe(agentName); // we are alive and well
  });

  it('captures 1 GiB of stdout in seconds byte-exact (invalid UTF-8 kept), capped and rotated, with the agent’s memory flat', async () => {
    const total = 1024 * 1024 * 1024;
    const cap = 32 * 1024 * 1024;
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 50);
    const before = process.memoryUsage().rss;
    await h.ex.start({ id: 'flood', command: bin, args: ['flood', String(total)], logMaxBytes: cap });
    const end = await h.ex.wait('flood');
    clearInterval(sampler);
    expect([end.outcome, end.exit?.code]).toEqual(['succeeded', 0]);
    const exit = JSON.parse(await readFile(join(h.dataDir, 'sessions', 'flood', 'exit.json'), 'utf8'));
    expect([exit.stdoutBytes, exit.stdoutLost]).toEqual([total, 0]);
    const chunk = await h.ex.logs('flood', { stream: 'stdout', offset: 0, limit: 4 << 20 });
    expect(chunk.endOffset).toBe(total);
    expect(chunk.startOffset).toBeGreaterThanOrEqual(total - cap); // older output rotated away
    expect(chunk.skippedBytes).toBe(chunk.startOffset);
    for (let i = 0; i < chunk.data.length; i++) {
      if (chunk.data[i] !== (chunk.offset + i) % 256)
        throw new Error(`byte at ${chunk.offset + i} is ${chunk.data[i]}`);
    }
    const tail = await h.ex.logs('flood', { stream: 'stdout', offset: total - 1000, limit: 4096 });
    expect(tail.data.length).toBe(1000);
    expect([...tail.data.subarray(-3)]).toEqual([(total - 3) % 256, (total - 2) % 256, (total - 1) % 256]);
    const segs = await readdir(join(h.dataDir, 'sessions', 'flood', 'stdout'));
    expect(segs.length).toBeLessThanOrEqual(8);
    expect(Math.max(...rss) - before).toBeLessThan(64 * 1024 * 1024); // 1 GiB went past the agent, not through it
  });

  it('refuses an argument list the kernel will not take with a clear error (and stays up)', async () => {
    const huge = 'x'.repeat(200 * 1024); // one string past MAX_ARG_STRLEN (128 KiB)
    await expect(h.ex.start({ id: 'e2big', command: bin, args: ['exit', huge] })).rejects.toMatchObject({
      code: 'OMEGA_ERR_EXEC_ARGS_TOO_LONG',
      extras: { source: 'kernel', stage: 'exec', errno: 'E2BIG' },
    });
    const many = Array.from({ length: 3000 }, () => 'y'.repeat(3000)); // 9 MB: refused before anything runs
    await expect(h.ex.start({ id: 'e2big2', command: bin, args: many })).rejects.toMatchObject({
      code: 'OMEGA_ERR_EXEC_ARGS_TOO_LONG',
      extras: { source: 'validation' },
    });
    expect(h.ex.list().some((s) => s.id.startsWith('e2big'))).toBe(false);
    await h.ex.start({ id: 'after-e2big', command: bin, args: ['exit', '0'] });
    expect((await h.ex.wait('after-e2big')).outcome).toBe('succeeded');
  });

  it('names the failing step when a command cannot start', async () => {
    await expect(h.ex.start({ id: 'nocmd', command: '/nonexistent/tool' })).rejects.toMatchObject({
      code: 'OMEGA_ERR_EXEC_START_FAILED',
      extras: { stage: 'exec', errno: 'ENOENT' },
    });
    await expect(
      h.ex.start({ id: 'nocwd', command: bin, args: ['exit'], cwd: '/root' }),
    ).rejects.toMatchObject({
      code: 'OMEGA_ERR_EXEC_START_FAILED',
      extras: { stage: 'cwd', errno: 'EACCES' },
    });
    expect(await h.leftovers()).toEqual([]);
  });
});
