import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { skipReason } from '../../agent/test/exec/exec-harness.js';
import type { NodesKernel } from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import {
  api,
  cancelAll,
  type Doc,
  startNode,
  startSessionsKernel,
  stopNode,
  type TestNode,
  waitSession,
} from './helpers/sessions-cluster.js';

/*
 * `omega sessions …` as a user runs it: the real CLI process (cli/main.ts) against a real kernel
 * with the nodes and sessions plugins and a real agent running the sessions in cgroups. Human
 * output and --json, `run -f` exiting with the session's code, `logs -f` following live output,
 * and one-line errors (exit 1 from the API, 2 for a usage mistake) naming the flag or field.
 */

const reason = await skipReason();
const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(reason !== null)(`omega sessions${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let k: NodesKernel;
  let node: TestNode;

  function omega(...args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', CLI, 'sessions', ...args],
        { env: { ...process.env, OMEGA_URL: k.url, OMEGA_TOKEN: k.token } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  }
  /** `--json` goes right after the action: anything after `--` belongs to the session's command. */
  const json = async (action: string, ...args: string[]): Promise<Doc> => {
    const r = await omega(action, '--json', ...args);
    if (r.code !== 0) throw new Error(`omega sessions ${action} ${args.join(' ')}: ${r.code} ${r.stderr}`);
    return JSON.parse(r.stdout) as Doc;
  };

  beforeAll(async () => {
    k = await startSessionsKernel();
    node = await startNode(k, 'c1');
  }, 180_000);
  afterEach(async () => {
    if (k) await cancelAll(k);
  });
  afterAll(async () => {
    if (node) await stopNode(node);
    await k?.close();
  });

  it('run -f streams the output and exits with the session exit code; list and show find it', async () => {
    const r = await omega(
      'run',
      '-f',
      '--cores',
      '1',
      '--memory',
      '64M',
      '--name',
      'cli-echo',
      '--env',
      'GREETING=hello,WHO=cli',
      '--',
      'sh',
      '-c',
      'echo "$GREETING $WHO"; echo line2; exit 3',
    );
    expect(r.stdout).toBe('hello cli\nline2\n');
    expect(r.code).toBe(3);
    const id = /^(s-\S+) {2}/.exec(r.stderr)?.[1] as string;
    expect(r.stderr).toMatch(/ failed: .*3/);

    const list = await omega('list', '--state', 'failed');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+OWNER\s+STATE/);
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+cli-echo\\s+\\S+\\s+failed\\s+c1\\s+1 core`));
    const shown = await json('show', id);
    expect(shown.spec.env).toEqual({ GREETING: 'hello', WHO: 'cli' });
    expect(shown.status.exit.code).toBe(3);
    const human = await omega('show', id);
    expect(human.stdout).toContain('exit         code 3');
    expect(human.stdout).toContain('placed on    c1, cpus ');
    expect((await json('list', '--state', 'running')).items).toEqual([]);
  }, 90_000);

  it('pause, resume and kill a running session; logs -f follows output written after it started', async () => {
    const created = await json(
      'run',
      '--millicores',
      '200',
      '--memory',
      '32M',
      '--script',
      'i=0; while [ $i -lt 6 ]; do echo tick $i; i=$((i+1)); sleep 0.3; done; sleep 600',
    );
    const id = created.id as string;
    expect(created.spec.resources.millicores).toBe(200);
    await waitSession(k, id, (s) => s.status.state === 'running');

    // A follower started now gets all the ticks, the later ones as they are written.
    const follower = new Promise<Run>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', CLI, 'sessions', 'logs', id, '-f'],
        { env: { ...process.env, OMEGA_URL: k.url, OMEGA_TOKEN: k.token } },
      );
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr: '' }));
    });
    const until5 = async () => {
      for (let i = 0; i < 100; i++) {
        const got = await omega('logs', id);
        if (got.stdout.includes('tick 5')) return got.stdout;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('tick 5 never came');
    };
    expect(await until5()).toBe('tick 0\ntick 1\ntick 2\ntick 3\ntick 4\ntick 5\n');

    const paused = await omega('pause', id);
    expect(paused.code).toBe(0);
    await waitSession(k, id, (s) => s.status.state === 'paused');
    expect((await omega('show', id)).stdout).toMatch(/\) {2}paused\n/);
    expect((await omega('resume', id)).code).toBe(0);
    await waitSession(k, id, (s) => s.status.state === 'running');

    const killed = await omega('kill', id, '--reason', 'done with it', '--grace', '0s');
    expect(killed.code).toBe(0);
    const end = await waitSession(k, id, (s) => s.status.state === 'cancelled');
    expect(end.status.cancelledBy).toBe('admin');
    const followed = await follower;
    expect(followed.code).toBe(0);
    expect(followed.stdout).toBe('tick 0\ntick 1\ntick 2\ntick 3\ntick 4\ntick 5\n');
    const usage = await json('usage', id);
    expect(usage.usage.cpuTotalSec).toBeGreaterThan(0);
  }, 120_000);

  it('quotas: set, me, over quota refused in one line naming the quota; removed again', async () => {
    const set = await omega('quota', 'set', 'user', 'admin', '--max-sessions', '1', '--cores', '1');
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/^user admin: 1 core, 1 session \(version 1\)/);
    const first = await json('run', '--cores', '1', '--memory', '16M', '--', 'sleep', '600');
    await waitSession(k, first.id, (s) => s.status.state === 'running');
    const me = await omega('quota', 'me');
    expect(me.stdout).toContain('in use   1 core, 16 MiB, 0 GPUs, 1 session');
    const over = await omega('run', '--millicores', '100', '--', 'sleep', '1');
    expect(over.code).toBe(1);
    expect(over.stderr.trim().split('\n')).toHaveLength(1);
    expect(over.stderr).toBe(
      'omega: Over quota: user quota "admin" allows 1 session; you use 1 session and ask for 1 session. End one of your sessions (omega sessions list), or ask an admin to raise the quota. [SESSIONS_ERR_QUOTA]\n',
    );
    const listed = await json('quota', 'list');
    expect(listed.items).toEqual([expect.objectContaining({ scope: 'user', name: 'admin' })]);
    expect((await omega('quota', 'rm', 'user', 'admin')).code).toBe(0);
    expect((await json('quota', 'list')).items).toEqual([]);
  }, 90_000);

  it('run -f on a session that waits shows why, and ends with exit 1 when it is cancelled before it ran', async () => {
    const follower = omega('run', '-f', '--node-selector', 'pool=nowhere', '--', 'true');
    let id: string | undefined;
    for (let i = 0; i < 100 && !id; i++) {
      const list = await api<Doc>(k, '/api/v1/sessions?state=pending');
      id = (list.body.items as Doc[])[0]?.id as string | undefined;
      if (!id) await new Promise((r) => setTimeout(r, 200));
    }
    expect(id).toBeDefined();
    const killed = await omega('kill', id as string, '--reason', 'nowhere to run');
    expect(killed.code).toBe(0);
    const r = await follower;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${id}  pending: no node matches the node selector`);
    expect(r.stderr).toContain(`${id}  cancelled: cancelled by admin: nowhere to run`);
    // Said once while it waited, not once a poll.
    expect(r.stderr.split(`${id}  pending: `)).toHaveLength(2);
  }, 60_000);

  it('logs of a waiting session say it is pending and why: once, and without -f exit 0', async () => {
    const created = await json('run', '--node-selector', 'pool=nowhere', '--', 'true');
    const id = created.id as string;
    const waiting = await waitSession(k, id, (s) => /no node matches/.test(s.status.reason));
    // newcomer walk: `logs <pending id>` printed nothing and exited 0; `logs -f` polled in silence.
    const once = await omega('logs', id);
    expect(once.code).toBe(0);
    expect(once.stdout).toBe('');
    expect(once.stderr).toBe(`omega: ${id} has no output yet: it is pending (${waiting.status.reason})\n`);

    let stderr = '';
    const follower = new Promise<number>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', CLI, 'sessions', 'logs', id, '-f'],
        { env: { ...process.env, OMEGA_URL: k.url, OMEGA_TOKEN: k.token } },
      );
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve(code ?? -1));
    });
    for (let i = 0; i < 100 && !stderr.includes('\n'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toBe(`${id}  pending: ${waiting.status.reason}\n`);
    await new Promise((r) => setTimeout(r, 2500)); // a few polls: nothing more is said
    expect(stderr).toBe(`${id}  pending: ${waiting.status.reason}\n`);
    expect((await omega('kill', id)).code).toBe(0);
    // Cancelled before it ran: there never will be output, which ends the follower (exit 1, one line).
    expect(await follower).toBe(1);
    expect(stderr.split('\n').slice(1)).toEqual([expect.stringMatching(/\[SESSIONS_ERR_NO_LOGS\]$/), '']);
  }, 60_000);

  it("run -f copies the session's stderr to its own stderr, beside stdout to stdout", async () => {
    // newcomer walk: `run -f -- ls /nonexistent` said only "failed: exited with code 2".
    const ls = await omega('run', '-f', '--memory', '64M', '--', 'ls', '/nonexistent');
    expect(ls.code).toBe(2);
    expect(ls.stdout).toBe('');
    expect(ls.stderr).toMatch(
      /^s-\S+ {2}\w+: .*\n(.*\n)*ls: .*\/nonexistent.*No such file or directory\n.* failed: .*2\n$/,
    );
    const both = await omega(
      'run',
      '-f',
      '--memory',
      '64M',
      '--',
      'sh',
      '-c',
      'echo out1; echo err1 >&2; sleep 0.5; echo out2; echo err2 >&2; exit 3',
    );
    expect(both.code).toBe(3);
    expect(both.stdout).toBe('out1\nout2\n');
    expect(both.stderr).toContain('err1\nerr2\n');
    // --json: every window of both streams on stdout, each naming its stream.
    const windows = await omega(
      'run',
      '-f',
      '--json',
      '--memory',
      '64M',
      '--',
      'sh',
      '-c',
      'echo o; echo e >&2',
    );
    expect(windows.code).toBe(0);
    const bytes = { stdout: '', stderr: '' };
    for (const line of windows.stdout.trim().split('\n')) {
      const w = JSON.parse(line) as { stream: 'stdout' | 'stderr'; data: string };
      bytes[w.stream] += Buffer.from(w.data, 'base64').toString();
    }
    expect(bytes).toEqual({ stdout: 'o\n', stderr: 'e\n' });
  }, 90_000);

  it('mistakes: a usage error exits 2 naming the flag, a refused spec exits 1 naming every field', async () => {
    const noCmd = await omega('run', '--cores', '1');
    expect(noCmd.code).toBe(2);
    expect(noCmd.stderr).toBe(
      'omega: sessions run needs a command: omega sessions run [flags] -- cmd args\n',
    );
    const badGpus = await omega('run', '--gpus', 'many', '--', 'true');
    expect(badGpus.code).toBe(2);
    expect(badGpus.stderr).toContain('--gpus takes a whole number');
    const refused = await omega('run', '--memory', 'lots', '--cwd', 'relative', '--', 'true');
    expect(refused.code).toBe(1);
    // The kernel refuses the spec against its schema, naming each field.
    expect(refused.stderr).toMatch(/resources\.memory: .*; cwd: .*\[OMEGA_ERR_VALIDATION\]/);
    const missing = await omega('show', 's-nosuchsession');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('omega: No session s-nosuchsession. [OMEGA_ERR_NOT_FOUND]\n');
    const none = await api<Doc>(k, '/api/v1/sessions');
    expect(none.body.items.filter((s: Doc) => s.spec.cwd === 'relative')).toEqual([]);
  }, 60_000);
});
