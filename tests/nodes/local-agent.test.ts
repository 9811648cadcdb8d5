import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killChildren } from '../helpers/kill-children.js';
import { removeDir } from '../helpers/temp-kernel.js';

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
const TOKEN = 'local-agent-test-admin-token-0123456789';

/** `omega start` as a real process; resolves its URL once it listens. */
function start(dataDir: string, extra: string[] = []) {
  const child = spawn(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      CLI,
      'start',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--log-level',
      'warn',
      ...extra,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OMEGA_ADMIN_TOKEN: TOKEN, OMEGA_AGENT_JOIN_TOKEN: '' },
    },
  );
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  child.stdout!.resume();
  const url = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', () => {
      const m = /listening on (\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, url, exited, stderr: () => err };
}

async function nodes(url: string): Promise<Array<{ id: string; status: { state: string } }>> {
  const r = await fetch(`${url}/api/v1/nodes`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = (await r.json()) as { items: Array<{ id: string; status: { state: string } }> };
  return body.items;
}

async function until<T>(check: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`not true after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const alive = (pid: number) =>
  existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

describe('omega start runs a local agent for its own machine', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterAll(async () => {
    await killChildren(children);
    for (const d of dirs) removeDir(d); // with the `<dir>-sessions` of the kernel's local agent
  });

  it('a fresh start shows one ready node; a restart resumes it without a new token; stop leaves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-local-'));
    dirs.push(dir);
    const first = start(dir);
    children.push(first.child);
    const url = await first.url;
    const [node] = await until(async () => {
      const list = await nodes(url);
      return list.length === 1 && list[0]!.status.state === 'ready' ? list : undefined;
    }, 60_000);
    expect(first.stderr()).toMatch(/local agent started \(pid (\d+)/);
    const agentPid = Number(/local agent started \(pid (\d+)/.exec(first.stderr())![1]);
    expect(existsSync(join(dir, 'agent', 'identity.key'))).toBe(true);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(alive(agentPid)).toBe(false);

    const second = start(dir);
    children.push(second.child);
    const url2 = await second.url;
    const again = await until(async () => {
      const list = await nodes(url2);
      return list.length === 1 && list[0]!.status.state === 'ready' ? list : undefined;
    }, 60_000);
    expect(again[0]!.id).toBe(node!.id);

    // Walk: `nodes remove` of the kernel's own node refused its agent at every later start. The
    // next start sets the old identity aside and the machine joins again, as a new node.
    const removed = await fetch(`${url2}/api/v1/nodes/${node!.id}?reason=walk`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(removed.status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const third = start(dir);
    children.push(third.child);
    const url3 = await third.url;
    const rejoined = await until(async () => {
      const list = await nodes(url3);
      return list.length === 1 && list[0]!.status.state === 'ready' ? list : undefined;
    }, 60_000);
    expect(rejoined[0]!.id).not.toBe(node!.id);
    expect(third.stderr()).toContain(`the local node ${node!.id} was removed (omega nodes remove)`);
    expect(readdirSync(dir).filter((f) => f.startsWith('agent.removed-'))).toHaveLength(1);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  }, 300_000);

  it('--no-local-agent starts none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-local-'));
    dirs.push(dir);
    const k = start(dir, ['--no-local-agent']);
    children.push(k.child);
    const url = await k.url;
    await until(async () => ((await fetch(`${url}/api/v1/ready`)).ok ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await nodes(url)).toEqual([]);
    expect(k.stderr()).not.toMatch(/local agent started/);
    expect(existsSync(join(dir, 'agent'))).toBe(false);
    k.child.kill('SIGTERM');
    expect(await k.exited).toBe(0);
  }, 120_000);
});
