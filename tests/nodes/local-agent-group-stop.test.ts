import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/temp-kernel.js';

// `omega start` and its local agent share a process group. A stop of the whole group (systemd's
// KillMode=control-group, Ctrl-C in a terminal) reaches the agent twice: from the group and
// forwarded by the kernel. That is one stop, and the agent must leave gracefully, not take the
// forward for an impatient second signal and exit at once.

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
const TOKEN = 'local-agent-group-stop-admin-token-0123456789';

/** The pids of the live (not zombie) processes whose process group is `pgid`. */
function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') pids.push(Number(name));
  }
  return pids;
}

async function until<T>(check: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what}: not true after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `omega start` with its local agent, as the leader of a process group of its own. */
function startGroup(dataDir: string) {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', CLI, 'start', '--port', '0', '--data-dir', dataDir],
    {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        OMEGA_ADMIN_TOKEN: TOKEN,
        OMEGA_AGENT_JOIN_TOKEN: '',
        OMEGA_LOG_LEVEL: 'warn',
        // Joining and leaving is what is tested: no sessions cgroup beside another test's agent.
        OMEGA_AGENT_SESSIONS: 'off',
      },
    },
  );
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', () => {
      const m = /listening on (\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  return { child, pgid: child.pid!, url, exited, stderr: () => err };
}

async function readyNode(url: string): Promise<true | undefined> {
  const r = await fetch(`${url}/api/v1/nodes`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const { items } = (await r.json()) as { items: Array<{ status: { state: string } }> };
  return items.length === 1 && items[0]!.status.state === 'ready' ? true : undefined;
}

describe('omega start stopped as a process group (systemd, Ctrl-C)', () => {
  const groups: number[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    // Whatever a failed test left: every process of its group, then its data.
    for (const pgid of groups.splice(0)) {
      if (groupMembers(pgid).length > 0) {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {}
      }
      await until(async () => (groupMembers(pgid).length === 0 ? true : undefined), 10_000, 'killed');
    }
    for (const d of dirs.splice(0)) removeDir(d);
  });

  /** `omega start` in a group of its own (cleaned up after the test), once its local agent is ready. */
  const startReady = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-group-stop-'));
    dirs.push(dir);
    const k = startGroup(dir);
    groups.push(k.pgid);
    const url = await k.url;
    await until(() => readyNode(url), 60_000, 'the local agent ready');
    return k;
  };

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`one ${signal} to the group is one stop: the local agent leaves gracefully and the group is gone`, async () => {
      const k = await startReady();
      expect(k.stderr()).toMatch(/local agent started \(pid \d+/);

      process.kill(-k.pgid, signal);
      expect(await k.exited).toBe(0);
      await until(
        async () => (groupMembers(k.pgid).length === 0 ? true : undefined),
        15_000,
        'every process of the group gone',
      );
      expect(k.stderr()).not.toMatch(/second SIG/);
      expect(k.stderr()).toMatch(/omega: the local agent left\n/);
    }, 120_000);
  }

  // Found by the last stop's walk: a kernel killed outright (SIGKILL, the OOM killer) forwards no
  // stop, and its local agent lived on — beside the next `omega start`'s, under the same identity.
  it('a kernel killed with SIGKILL takes its local agent with it: the agent sees its lifeline close and leaves', async () => {
    const k = await startReady();
    const agentPid = Number(/local agent started \(pid (\d+)/.exec(k.stderr())?.[1]);
    expect(groupMembers(k.pgid)).toContain(agentPid);

    process.kill(k.pgid, 'SIGKILL'); // the kernel alone, not its group
    await k.exited;
    await until(
      async () => (groupMembers(k.pgid).includes(agentPid) ? undefined : true),
      15_000,
      'the orphaned local agent gone',
    );
    expect(k.stderr()).toMatch(/the process that started this agent \(omega start\) is gone; leaving\n/);
  }, 120_000);

  // Review: the lifeline was armed only once the agent was built; a kernel killed while its agent
  // was still starting left it running (and a crash loop under Restart=always piles them up).
  it('a kernel killed while its local agent is still starting takes the agent with it too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-group-stop-'));
    dirs.push(dir);
    const k = startGroup(dir);
    groups.push(k.pgid);
    const agentPid = await until(
      async () => Number(/local agent started \(pid (\d+)/.exec(k.stderr())?.[1]) || undefined,
      60_000,
      'the local agent spawned',
    );
    process.kill(k.pgid, 'SIGKILL'); // at once: the agent has not joined, maybe not even loaded
    await k.exited;
    await until(
      async () => (groupMembers(k.pgid).includes(agentPid) ? undefined : true),
      30_000,
      'the orphaned local agent gone',
    );
  }, 120_000);
});
