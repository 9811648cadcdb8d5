import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../kernel/log/index.js';
import { openStorage } from '../../kernel/storage/index.js';
import { call, userWithRoles } from '../security/security-kernel.js';
import { type Doc, type NodesKernel, SECURITY_DIR, startSessionsKernel } from './helpers/sessions-cluster.js';

/*
 * GET/PATCH /api/v1/sessions/settings with the real security plugin: admins only, every bad
 * field named, a stale version refused, audited with before and after, in force at once (the
 * next session's placement) and kept across a kernel restart; `omega sessions settings` as a
 * real CLI process.
 */

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
const PATH = '/api/v1/sessions/settings';

function omega(k: NodesKernel, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', CLI, 'sessions', 'settings', ...args],
      { env: { ...process.env, OMEGA_URL: k.url, OMEGA_TOKEN: k.token } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('sessions settings route and CLI', () => {
  let k: NodesKernel;
  const t: Record<string, string> = {};
  beforeAll(async () => {
    k = await startSessionsKernel({ with: [SECURITY_DIR] });
    for (const [name, roles] of [
      ['olga', ['operator']],
      ['vera', ['viewer']],
    ] as const)
      t[name] = (await userWithRoles(k, name, [...roles])).accessToken;
  }, 120_000);
  afterAll(async () => {
    await k?.close();
  });

  it('shows the defaults to admins only', async () => {
    const r = await call(k, 'GET', PATH);
    expect(r.status).toBe(200);
    expect(r.body.settings).toEqual({
      placement: 'binpack',
      leftLostAfterMs: 600_000,
      retentionMs: 604_800_000,
      defaultGraceMs: 10_000,
    });
    expect(r.body.version).toBe(0);
    for (const who of ['olga', 'vera']) {
      expect((await call(k, 'GET', PATH, undefined, t[who])).status).toBe(403);
      expect((await call(k, 'PATCH', PATH, { placement: 'spread' }, t[who])).status).toBe(403);
    }
    expect((await call(k, 'GET', PATH)).body.settings.placement).toBe('binpack'); // the refused change did nothing
  });

  it('refuses bad values naming each field, and a stale version', async () => {
    const bad = await call(k, 'PATCH', PATH, {
      placement: 'random',
      retentionMs: 5,
      defaultGraceMs: 'forever',
      leftLostAfterMs: '40d',
      colour: 'blue',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('OMEGA_ERR_VALIDATION');
    // The kernel refuses what breaks the body's schema (names, types, forms, ranges of ms)…
    expect(bad.body.errors.map((e: Doc) => e.field).sort()).toEqual(
      ['colour', 'defaultGraceMs', 'placement', 'retentionMs'].sort(),
    );
    // …the plugin the range of a duration text (40 days is over 30).
    const long = await call(k, 'PATCH', PATH, { leftLostAfterMs: '40d' });
    expect(long.status).toBe(400);
    expect(long.body.errors.map((e: Doc) => e.field)).toEqual(['leftLostAfterMs']);
    // A grace over the agent's own bound (10 min) would have made every terminate naming none fail on the node.
    const grace = await call(k, 'PATCH', PATH, { defaultGraceMs: '30m' });
    expect(grace.status).toBe(400);
    expect(grace.body.errors).toEqual([expect.objectContaining({ field: 'defaultGraceMs' })]);
    expect((await call(k, 'PATCH', PATH, {})).status).toBe(400);
    const stale = await call(k, 'PATCH', PATH, { placement: 'spread', version: 7 });
    expect(stale.status).toBe(409);
    expect((await call(k, 'GET', PATH)).body.version).toBe(0);
  });

  it('changes, audits and applies at once; survives a restart; the CLI shows and sets them', async () => {
    const r = await call(k, 'PATCH', PATH, {
      placement: 'spread',
      retentionMs: '3d',
      defaultGraceMs: 0,
      version: 0,
    });
    expect(r.status).toBe(200);
    expect(r.body.settings).toEqual({
      placement: 'spread',
      leftLostAfterMs: 600_000,
      retentionMs: 3 * 86_400_000,
      defaultGraceMs: 0,
    });
    expect(r.body.version).toBeGreaterThan(0);
    const audit = k.events(['audit.sessions.settings-set']);
    expect(audit).toHaveLength(1);
    expect((audit[0]!.data as Doc).details.before.placement).toBe('binpack');
    expect((audit[0]!.data as Doc).details.after.placement).toBe('spread');
    // the next session that names no placement gets the new default (it waits: no node joined)
    const s = await call(k, 'POST', '/api/v1/sessions', { command: 'true' });
    expect(s.status).toBe(201);
    expect(s.body.spec.placement).toBe('spread');
    await call(k, 'POST', `/api/v1/sessions/${s.body.id}/terminate`, {});

    const { dataDir, plugins } = k;
    await k.close(true);
    k = await startSessionsKernel({ with: [SECURITY_DIR], dataDir, plugins });
    const after = await call(k, 'GET', PATH);
    expect(after.body.settings).toEqual(r.body.settings);
    expect(after.body.version).toBe(r.body.version);

    const shown = await omega(k);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^placement\s+spread {2}\(default binpack\)$/m);
    expect(shown.stdout).toMatch(/^retentionMs\s+3d \(259200000 ms\) {2}\(default 7d\)$/m);
    const set = await omega(k, '--json', '--set', 'placement=binpack,leftLostAfterMs=15m');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout).settings).toMatchObject({ placement: 'binpack', leftLostAfterMs: 900_000 });
    const wrong = await omega(k, '--set', 'retentionMs=soon');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toContain('retentionMs');
    const usage = await omega(k, '--set', 'placement');
    expect(usage.code).toBe(2);
  }, 120_000);

  it("clamps a stored grace written under the older 1 h bound to the agent's 10 min on restart", async () => {
    const { dataDir, plugins } = k;
    await k.close(true);
    const storage = await openStorage({ dataDir, logger: createLogger({ level: 'silent' }) });
    try {
      const ns = storage.namespace('sessions');
      const cur = await ns.get<Doc>('settings', 'sessions');
      await ns.set('settings', 'sessions', { ...cur!.value, defaultGraceMs: 3_600_000, retentionMs: 'soon' });
    } finally {
      await storage.close();
    }
    k = await startSessionsKernel({ with: [SECURITY_DIR], dataDir, plugins });
    const after = await call(k, 'GET', PATH);
    expect(after.body.settings.defaultGraceMs).toBe(600_000); // clamped, the nearest to what was chosen
    expect(after.body.settings.retentionMs).toBe(604_800_000); // not a duration at all: the default
  }, 120_000);
});
