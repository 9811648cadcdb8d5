import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  api,
  type Doc,
  NODES_DIR,
  type NodesKernel,
  until,
} from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import { DeclaredSchemas } from '../helpers/declared-schemas.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { useNetnsLab } from '../substrate/use-netns-lab.js';
import { type AgentProcess, startAgent } from './helpers/agent-process.js';
import { startLabKernel, waitState } from './helpers/cluster.js';
import { browseOnce } from './helpers/mdns-browse.js';

const invite = (address: string, port: number, body: unknown, type = 'application/json') =>
  fetch(`http://${address}:${port}/omega/invite`, {
    method: 'POST',
    headers: { 'content-type': type },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });

/**
 * Discovery, the agent's half, end to end in a namespace: started with nothing to join, a real
 * agent announces `_omega-agent._tcp` on its test interface only (read back by an independent
 * mDNS query from the bridge) with the fingerprint it printed, stays out of the registry, refuses
 * hostile invitations without using up its one acceptance, and joins with the single-use token of
 * a valid invitation from the kernel's address — then stops announcing and resumes on restart.
 * The kernel's own half (browsing, `omega nodes approve` posting the invitation) is the gateway's
 * `agents.discovery`; here the test posts the invitation the way `ctx.agents.invite` does.
 */
describe('discovery: an agent with nothing to join announces itself and joins only once invited', () => {
  let k: NodesKernel | undefined;
  let proc: AgentProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'omega-agent-disc-'));
  const useLab = useNetnsLab({
    hosts: 1,
    onReady: async (lab) => {
      k = await startLabKernel(lab);
    },
  });
  afterAll(async () => {
    proc?.kill('SIGKILL');
    await proc?.exited;
    await k?.close();
    removeDir(dataDir); // with the agent's default sessions work root, `${dataDir}-work`
  }, 60_000);

  it('announces, refuses hostile invitations, joins after a valid one, then resumes without announcing', async (ctx) => {
    const lab = useLab(ctx);
    if (!k) throw new Error('the kernel did not start');
    const host = lab.hosts[0]!;
    const args = ['--name', 'disc1', '--data-dir', dataDir, '--discovery-interface', host.device];
    const env = { OMEGA_AGENT_SERVER: '', OMEGA_AGENT_JOIN_TOKEN: '' };
    proc = startAgent({ lab: { lab, host }, args: [...args, '--discovery-port', '0'], env });
    const waiting = await until(
      () => /invitations on port (\d+)/.exec(proc!.stderr()) ?? undefined,
      30_000,
    ).catch(() => {
      throw new Error(`the agent never waited for approval; stderr: ${proc!.stderr()}`);
    });
    const port = Number(waiting[1]);
    const fingerprint = /identity key SHA-256 (\S+)/.exec(proc.stderr())?.[1];
    expect(fingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // What the LAN sees: the announcement, read by a plain mDNS query from the bridge.
    const services = await browseOnce('omega-agent', lab.bridgeAddress, 20_000);
    expect(services).toHaveLength(1);
    const [svc] = services;
    expect(svc!.from).toBe(host.address);
    expect(svc!.port).toBe(port);
    expect(svc!.txt.name).toBe('disc1');
    expect(svc!.txt.fp).toBe(fingerprint);
    expect(Number(svc!.txt.cpus)).toBeGreaterThan(0);
    expect(Number(svc!.txt.mem)).toBeGreaterThan(0);
    expect(svc!.txt.v).toMatch(/^\d+\.\d+\.\d+/);

    // Not approved, not a node.
    expect((await api(k, '/api/v1/nodes/disc1')).status).toBe(404);

    // Hostile invitations: each refused with a coded problem, none uses up the acceptance.
    const notJson = await invite(host.address, port, 'server=x', 'text/plain');
    expect(notJson.status).toBe(415);
    const bad = await invite(host.address, port, { server: 'ftp://x', token: 'short', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const badBody = (await bad.json()) as Doc;
    expect(badBody.code).toBe('OMEGA_ERR_AGENT_INVITE_INVALID');
    expect((badBody.errors as Array<{ field: string }>).map((e) => e.field)).toEqual(
      expect.arrayContaining(['server', 'token']),
    );
    const elsewhere = await invite(host.address, port, {
      server: 'http://192.0.2.10:7700',
      token: 'omg-join.aaaaaaaa.bbbbbbbbbbbbbbbb',
    });
    expect(elsewhere.status).toBe(400);
    expect(((await elsewhere.json()) as Doc).detail).toMatch(/must come from 192\.0\.2\.10/);
    expect((await api(k, '/api/v1/nodes/disc1')).status).toBe(404);

    // The approval: a single-use token, invited from the kernel's own address.
    const minted = await api<Doc>(k, '/api/v1/nodes/tokens', {
      method: 'POST',
      body: { ttl: '10m', uses: 1 },
    });
    expect(minted.status).toBe(201);
    const token = minted.body.token as string;
    const accepted = await invite(host.address, port, { server: k.url, token });
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ accepted: true, name: 'disc1', fingerprint });
    const node = await waitState(k, 'disc1', 'ready', 30_000);
    expect(node.name).toBe('disc1');
    expect(proc.stderr()).not.toContain(token.split('.')[2]!);

    // Joined: the announcement ends and the listener closes.
    await proc.waitLog((r) => r.msg === 'stopped announcing on mDNS; the approval listener is closed');
    expect(await browseOnce('omega-agent', lab.bridgeAddress, 3_000)).toEqual([]);
    await expect(invite(host.address, port, { server: k.url, token })).rejects.toThrow();

    // A restart resumes the same node from the data dir: no token, no announcement.
    proc.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
    await waitState(k, 'disc1', 'left', 15_000);
    proc = startAgent({ lab: { lab, host }, args, env });
    const again = await waitState(k, 'disc1', 'ready', 30_000);
    expect(again.id).toBe(node.id);
    expect(proc.stderr()).not.toContain('waiting for approval');
    expect(await browseOnce('omega-agent', lab.bridgeAddress, 3_000)).toEqual([]);
  }, 150_000);
});

/**
 * Discovery, the kernel's half: with `agents.discovery.enabled` on the lab's bridge, the kernel
 * browses for announcing agents, the nodes plugin lists the agent as pending with the fingerprint
 * it printed, and approving it makes the kernel post the invitation: the agent joins.
 */
describe('discovery: the kernel browses, an operator approves, the agent joins', () => {
  let k: NodesKernel | undefined;
  let proc: AgentProcess | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'omega-agent-disc2-'));
  const useLab = useNetnsLab({
    hosts: 1,
    onReady: async (lab) => {
      k = await startLabKernel(lab, { discovery: true });
    },
  });
  afterAll(async () => {
    proc?.kill('SIGKILL');
    await proc?.exited;
    await k?.close();
    removeDir(dataDir); // with the agent's default sessions work root, `${dataDir}-work`
  }, 60_000);

  it('lists the announcing agent as pending and joins it on approval', async (ctx) => {
    const lab = useLab(ctx);
    if (!k) throw new Error('the kernel did not start');
    const host = lab.hosts[0]!;
    proc = startAgent({
      lab: { lab, host },
      args: ['--name', 'disc2', '--data-dir', dataDir, '--discovery-interface', host.device],
      env: { OMEGA_AGENT_SERVER: '', OMEGA_AGENT_JOIN_TOKEN: '' },
    });
    const fingerprint = (
      await until(() => /identity key SHA-256 (\S+)/.exec(proc!.stderr()) ?? undefined, 30_000)
    )[1];
    const pending = await until(async () => {
      const r = await api<Doc>(k!, '/api/v1/nodes/pending');
      const items = (r.body.items ?? []) as Doc[];
      return items.find((a) => a.name === 'disc2');
    }, 30_000);
    expect(pending.id).toBe(fingerprint);
    // The real answers of a discovered agent's routes are what the built manifest declares.
    const declared = new DeclaredSchemas(join(NODES_DIR, 'dist', 'plugin.json'));
    const listed = declared.expectDeclared<Doc>('listPending', await api(k, '/api/v1/nodes/pending'));
    expect(listed.items.map((a: Doc) => a.id)).toContain(pending.id);
    expect(pending.addresses).toEqual([host.address]);
    expect((await api(k, '/api/v1/nodes/disc2')).status).toBe(404);

    const approved = await api<Doc>(k, `/api/v1/nodes/pending/${pending.id}/approve`, {
      method: 'POST',
      body: { labels: { found: 'mdns' } },
    });
    expect(approved.status, JSON.stringify(approved.body)).toBeLessThan(300);
    declared.expectDeclared('approvePending', approved);
    await waitState(k, 'disc2', 'ready', 30_000);
    const node = (await api<Doc>(k, '/api/v1/nodes/disc2')).body;
    expect(JSON.stringify(node)).toContain('"found":"mdns"');
    // Joined: no longer pending.
    const after = (await api<Doc>(k, '/api/v1/nodes/pending')).body.items as Doc[];
    expect(after.find((a) => a.name === 'disc2')).toBeUndefined();
  }, 150_000);
});
