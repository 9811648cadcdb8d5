import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, type TempKernel } from '../../../tests/helpers/temp-kernel.js';
import { metricsPluginsDir, startMetricsKernel, waitFor } from '../../../tests/metrics/metrics-kernel.js';
import { call, securityPluginsDir, userWithRoles } from '../../../tests/security/security-kernel.js';

const M = '/api/v1/metrics/alerts';
const CLI = join(import.meta.dirname, '..', '..', '..', 'cli', 'main.ts');
const ALWAYS = { series: 'cpu.busy{cpu="total"}', comparator: '>=', threshold: 0 };

/** An active alert or a history entry, as far as these tests read them. */
interface AlertDoc {
  id: string;
  rule: string;
  state: string;
  silencedBy?: string[];
  acknowledged?: { by: { id: string }; reason: string };
  silenced?: { until: number; silences: Array<{ id: string }> };
}

interface AuditEntry {
  actor: string;
  action: string;
  target?: string;
  details?: Record<string, unknown>;
}

/**
 * A real kernel with the metrics and security plugins (the security plugin keeps the audit
 * trail), a loopback webhook receiver, and every bus event recorded.
 */
describe('alert acknowledgements and silences in a real kernel', () => {
  let k: TempKernel;
  let plugins: { dir: string; grantsFile: string };
  let hooks: Server;
  let origin: string;
  const received: Array<{ status: string; alert: { rule: string; silencedBy?: string[] } }> = [];
  let securityDir: string;
  const events: Array<{ topic: string; data: unknown }> = [];

  const start = async (dataDir?: string) => {
    // The webhook receiver is on loopback: private addresses allowed for this test.
    k = await startMetricsKernel(plugins, {
      plugins: { dirs: [plugins.dir, securityDir], fetchAllowPrivate: true },
      ...(dataDir ? { dataDir } : {}),
    });
    k.kernel.bus.subscribe(['metrics.alert.*', 'metrics.silence.*'], (batch) => {
      events.push(...batch);
    });
  };
  const audit = async (action: string): Promise<AuditEntry[]> =>
    (await call(k, 'GET', `/api/v1/security/audit?action=${action}&limit=100`)).body.items;
  const firingOf = async (rule: string) =>
    waitFor(async () => {
      const items = (await call(k, 'GET', M)).body.items as AlertDoc[];
      return items.find((a) => a.rule === rule && a.state === 'firing');
    });

  beforeAll(async () => {
    hooks = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => {
        text += c;
      });
      req.on('end', () => {
        received.push(JSON.parse(text));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
    plugins = await metricsPluginsDir({ grant: [`net:fetch:${origin}`] });
    // The security plugin (built, with the repository's default grants) beside it.
    securityDir = await securityPluginsDir();
    const grants = JSON.parse(readFileSync(plugins.grantsFile, 'utf8'));
    const bundled = JSON.parse(readFileSync(join(securityDir, 'grants.json'), 'utf8'));
    writeFileSync(plugins.grantsFile, JSON.stringify({ ...grants, security: bundled.security }));
    await start();
  });
  afterAll(async () => {
    await k?.stop();
    hooks?.close();
    if (k) removeDir(k.dataDir);
    if (plugins) removeDir(plugins.dir);
    if (securityDir) removeDir(securityDir);
  });

  it('acknowledges a firing alert with a reason: shown with who and why, published and audited', async () => {
    expect(
      (await call(k, 'POST', `${M}/rules`, { id: 'loud', ...ALWAYS, webhook: `${origin}/hook` })).status,
    ).toBe(201);
    const alert = await firingOf('loud');
    expect(alert.id).toMatch(/^[0-9a-f]{16}$/);
    const noReason = await call(k, 'POST', `${M}/${alert.id}/ack`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ code: 'OMEGA_ERR_VALIDATION', errors: [{ field: 'reason' }] });
    expect((await call(k, 'POST', `${M}/ffffffffffffffff/ack`, { reason: 'x' })).body).toMatchObject({
      status: 404,
      code: 'OMEGA_ERR_NOT_FOUND',
    });
    const acked = await call(k, 'POST', `${M}/${alert.id}/ack`, { reason: 'looking into it' });
    expect(acked.status).toBe(200);
    expect(acked.body.acknowledged).toMatchObject({ by: { id: 'admin' }, reason: 'looking into it' });
    const listed = (await call(k, 'GET', M)).body.items.find((a: { id: string }) => a.id === alert.id);
    expect(listed.acknowledged.reason).toBe('looking into it');
    expect(events.find((e) => e.topic === 'metrics.alert.acknowledged')?.data).toMatchObject({
      id: alert.id,
    });
    const entries = await waitFor(async () => {
      const items = await audit('metrics.alert.ack');
      return items.length > 0 && items;
    });
    expect(entries[0]).toMatchObject({ actor: 'admin', target: expect.stringContaining('loud') });
  });

  it('a silence suppresses notifications of what it matches, not of the rest', async () => {
    const bad = await call(k, 'POST', `${M}/silences`, { reason: 'x', for: '1h' });
    expect(bad.body).toMatchObject({
      status: 400,
      code: 'OMEGA_ERR_VALIDATION',
      errors: [{ field: 'rule' }],
    });
    const tooLong = await call(k, 'POST', `${M}/silences`, { rule: 'quiet', reason: 'x', for: '90d' });
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ field: 'for' })]);
    const created = await call(k, 'POST', `${M}/silences`, {
      rule: 'quiet',
      reason: 'planned work',
      for: '1h',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      spec: { rule: 'quiet', reason: 'planned work' },
      status: { state: 'active' },
      createdBy: { id: 'admin' },
    });
    await call(k, 'POST', `${M}/rules`, { id: 'quiet', ...ALWAYS, webhook: `${origin}/hook` });
    const quiet = await firingOf('quiet');
    expect(quiet.silenced).toMatchObject({
      until: created.body.spec.endsAt,
      silences: [{ id: created.body.id, reason: 'planned work', by: { id: 'admin' } }],
    });
    const history = await waitFor(async () => {
      const items = (await call(k, 'GET', `${M}/history`)).body.items as AlertDoc[];
      return items.find((h) => h.rule === 'quiet' && h.state === 'firing');
    });
    expect(history.silencedBy).toEqual([created.body.id]);
    // A later, unsilenced transition is notified; the silenced one never was.
    await call(k, 'POST', `${M}/rules`, { id: 'later', ...ALWAYS, webhook: `${origin}/hook` });
    await waitFor(() => received.some((r) => r.alert.rule === 'later'));
    expect(received.some((r) => r.alert.rule === 'loud')).toBe(true);
    expect(received.some((r) => r.alert.rule === 'quiet')).toBe(false);
    expect((await audit('metrics.silence.create'))[0]).toMatchObject({
      actor: 'admin',
      target: created.body.id,
    });
  });

  it('refuses a viewer (RBAC) and expires a silence early or on its own, audited and published', async () => {
    const viewer = await userWithRoles(k, 'vera', ['viewer']);
    const denied = await call(
      k,
      'POST',
      `${M}/silences`,
      { rule: 'loud', reason: 'x', for: '1h' },
      viewer.accessToken,
    );
    expect(denied.status).toBe(403);
    expect((await call(k, 'GET', `${M}/silences`, undefined, viewer.accessToken)).status).toBe(200);

    const brief = await call(k, 'POST', `${M}/silences`, {
      labels: { team: 'none' },
      reason: 'brief',
      for: '1s',
    });
    const ranOut = await waitFor(() =>
      events.find(
        (e) => e.topic === 'metrics.silence.expired' && (e.data as { id: string }).id === brief.body.id,
      ),
    );
    expect(ranOut.data).toMatchObject({ early: false, status: { state: 'expired' } });
    const byItself = await waitFor(async () =>
      (await audit('metrics.silence.expire')).find((e) => e.target === brief.body.id),
    );
    expect(byItself).toMatchObject({ actor: 'metrics', details: { ranOut: true } });

    const early = await call(k, 'POST', `${M}/silences`, { rule: 'loud', reason: 'oops', for: '2h' });
    const stale = await call(k, 'DELETE', `${M}/silences/${early.body.id}?version=${early.body.version + 5}`);
    expect(stale.status).toBe(409);
    const gone = await call(k, 'DELETE', `${M}/silences/${early.body.id}`);
    expect(gone.body).toMatchObject({ status: { state: 'expired', expiredBy: { id: 'admin' } } });
    expect(
      (await call(k, 'GET', `${M}/silences?state=active`)).body.items.map((s: { id: string }) => s.id),
    ).not.toContain(early.body.id);
    expect((await call(k, 'GET', `${M}/silences?state=gone`)).body.errors).toEqual([
      expect.objectContaining({ field: 'state' }),
    ]);
    expect((await call(k, 'GET', `${M}/silences/sil-nope`)).status).toBe(404);
  });

  it('keeps silences and acknowledgements across a restart', async () => {
    const silence = await call(k, 'POST', `${M}/silences`, {
      rule: 'kept',
      reason: 'over a restart',
      for: '1h',
    });
    await call(k, 'POST', `${M}/rules`, { id: 'kept', ...ALWAYS });
    const kept = await firingOf('kept');
    expect((await call(k, 'POST', `${M}/${kept.id}/ack`, { reason: 'still on it' })).status).toBe(200);
    const before = (await call(k, 'GET', `${M}/silences`)).body.items as Array<{ id: string }>;
    const dataDir = k.dataDir;
    await k.stop();
    await start(dataDir);
    const after = (await call(k, 'GET', `${M}/silences`)).body.items as Array<{ id: string }>;
    expect(after).toEqual(before);
    const back = await firingOf('kept');
    expect(back.id).toBe(kept.id);
    expect(back.acknowledged).toMatchObject({ reason: 'still on it', by: { id: 'admin' } });
    expect(back.silenced?.silences).toEqual([expect.objectContaining({ id: silence.body.id })]);
  });

  it('omega alerts ack | silence | silences | expire: the real CLI against the kernel', async () => {
    const omega = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['--conditions=source', '--import', 'tsx', CLI, 'alerts', ...args],
          {
            env: { ...process.env, OMEGA_URL: k.url, OMEGA_TOKEN: k.token },
          },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      });
    await call(k, 'POST', `${M}/rules`, { id: 'cli', ...ALWAYS, labels: { team: 'cli' } });
    const alert = await firingOf('cli');
    const usage = await omega('silence', '--rule', 'cli', '--for', '1h');
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim().split('\n')).toHaveLength(1);
    expect(usage.stderr).toContain('--reason');
    const refused = await omega('silence', '--label', 'team=cli', '--reason', 'x', '--for', '90d');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('OMEGA_ERR_VALIDATION');
    const made = await omega(
      'silence',
      '--label',
      'team=cli',
      '--reason',
      'cli test',
      '--for',
      '2h',
      '--json',
    );
    expect(made.code).toBe(0);
    const silence = JSON.parse(made.stdout) as { id: string; spec: { labels: Record<string, string> } };
    expect(silence.spec.labels).toEqual({ team: 'cli' });
    const acked = await omega('ack', alert.id, '--reason', 'from the cli');
    expect(acked.code).toBe(0);
    expect(acked.stdout).toContain('acked by admin: from the cli');
    expect(acked.stdout).toContain('silenced until');
    const listed = await omega('silences', '--state', 'active');
    expect(listed.stdout).toContain(silence.id);
    const expired = await omega('expire', silence.id, '--json');
    expect(JSON.parse(expired.stdout)).toMatchObject({ id: silence.id, status: { state: 'expired' } });
    expect((await omega('list')).stdout).toContain(alert.id);
  }, 180_000);
});
