import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../kernel/index.js';
import { parseManifest } from '../../kernel/plugins/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';
import { writePluginUi } from '../helpers/write-plugin-ui.js';
import { manifestFor } from '../plugins/write-plugin.js';
import { call, securityPluginsDir, userWithRoles } from '../security/security-kernel.js';

const INTEGRITY = `sha512-${'A'.repeat(86)}==`;
const panel = { id: 'term', title: 'Terminal', slot: 'session-page', entry: 'panels/term.html' };
const parsePanel = (p: unknown) =>
  parseManifest(
    JSON.stringify(manifestFor('demo', { ui: { root: 'ui', integrity: INTEGRITY, panels: [p] } })),
    'plugin.json',
  ).ui?.panels[0];

describe('a panel action names the permission its user needs (manifest)', () => {
  it('an id alone needs plugins:write; { id, permission } names its own; both come out as objects', () => {
    expect(
      parsePanel({
        ...panel,
        actions: ['sessions.snapshot', { id: 'sessions.kill', permission: 'sessions:write' }],
      })?.actions,
    ).toEqual([
      { id: 'sessions.snapshot', permission: 'plugins:write' },
      { id: 'sessions.kill', permission: 'sessions:write' },
    ]);
  });

  it('refuses a permission that is not an RBAC permission, a bad id, extra keys and a duplicate', () => {
    const field = (actions: unknown[]) => {
      try {
        parsePanel({ ...panel, actions });
      } catch (err) {
        return (err as { extras: { field: string } }).extras.field;
      }
      return 'accepted';
    };
    expect(field([{ id: 'sessions.kill', permission: '*' }])).toBe('ui.panels[0].actions[0].permission');
    expect(field([{ id: 'sessions.kill', permission: 'sessions' }])).toBe(
      'ui.panels[0].actions[0].permission',
    );
    expect(field([{ id: 'kill', permission: 'sessions:write' }])).toBe('ui.panels[0].actions[0].id');
    expect(field([{ id: 'sessions.kill', permission: 'sessions:write', as: 'root' }])).toBe(
      'ui.panels[0].actions[0].as',
    );
    expect(field(['sessions.kill', { id: 'sessions.kill', permission: 'sessions:write' }])).toBe(
      'ui.panels[0].actions[1]',
    );
  });
});

/**
 * A real kernel with the security plugin (real users, roles and audit trail) and a plugin whose
 * panel declares one action open to plugins:write and one that needs sessions:write.
 */
describe('the kernel checks the action permission against the signed-in user', () => {
  let k: TempKernel;
  let dir: string;
  let writer: string; // plugins:read + plugins:write, no sessions:write
  let sessions: string; // plugins:read + sessions:write, no plugins:write
  let writerId: string;
  let sessionsId: string;
  let admin: string;
  const seen: BusEvent[] = [];
  let sub: { unsubscribe(): void } | undefined;

  beforeAll(async () => {
    dir = await securityPluginsDir();
    writePluginDir(dir, 'terms', 'export const plugin = {};\n', {});
    await writePluginUi(
      join(dir, 'terms'),
      'ui',
      { 'index.html': '<!doctype html><title>terms</title>', 'panels/term.html': '<!doctype html><p>t</p>' },
      {
        panels: [
          {
            ...panel,
            actions: ['terms.refresh', { id: 'terms.kill', permission: 'sessions:write' }],
          },
        ],
      },
    );
    const grantsFile = join(dir, 'grants.json');
    const grants = JSON.parse(readFileSync(grantsFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      grantsFile,
      JSON.stringify({ ...grants, terms: { granted: [], denied: [], panels: ['term'] } }),
    );
    k = await startTempKernel({ plugins: { dirs: [dir], warmHosts: 0 } });
    admin = (await userWithRoles(k, 'panel-admin', ['admin'])).accessToken;
    const role = async (name: string, permissions: string[]) =>
      expect((await call(k, 'POST', '/api/v1/security/roles', { name, permissions }, admin)).status).toBe(
        201,
      );
    await role('panel-writer', ['plugins:read', 'plugins:write', 'events:subscribe']);
    await role('session-writer', ['plugins:read', 'sessions:write']);
    ({ accessToken: writer, id: writerId } = await userWithRoles(k, 'pw-user', ['panel-writer']));
    ({ accessToken: sessions, id: sessionsId } = await userWithRoles(k, 'sw-user', ['session-writer']));
    sub = k.kernel.bus.subscribe(['ui.action.*'], (batch) => {
      seen.push(...batch);
    });
  }, 120_000);

  afterAll(async () => {
    sub?.unsubscribe();
    await k?.stop();
    if (k) removeDir(k.dataDir);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const act = (action: string, token: string) =>
    call(k, 'POST', '/api/v1/ui/panels/terms/term/actions', { action, args: { id: 's1' } }, token);

  const audit = async (action: string) =>
    (await call(k, 'GET', `/api/v1/security/audit?action=${action}&limit=50`, undefined, admin)).body
      .items as Array<{ actor: string; target: string; outcome: string; details?: Record<string, unknown> }>;

  it('lists each action with the permission it needs', async () => {
    const list = await call(k, 'GET', '/api/v1/ui/panels', undefined, writer);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        plugin: 'terms',
        id: 'term',
        actions: ['terms.refresh', 'terms.kill'],
        actionPermissions: { 'terms.refresh': 'plugins:write', 'terms.kill': 'sessions:write' },
      }),
    ]);
  });

  it('a user with plugins:write but not the action permission gets 403 problem+json, audited, nothing published', async () => {
    const denied = await act('terms.kill', writer);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('content-type')).toContain('application/problem+json');
    expect(denied.body).toMatchObject({ code: 'OMEGA_ERR_FORBIDDEN', permission: 'sessions:write' });
    await expect
      .poll(async () =>
        (await audit('authz.denied')).map((a) => [a.actor, a.target, a.outcome, a.details?.permission]),
      )
      .toContainEqual([writerId, 'POST /api/v1/ui/panels/terms/term/actions', 'denied', 'sessions:write']);
    // The same user may run the action that needs only plugins:write.
    expect((await act('terms.refresh', writer)).status).toBe(202);
    await expect
      .poll(() => seen.map((e) => (e.data as { action: string }).action))
      .toEqual(['terms.refresh']);
  });

  it('a user with the action permission (and no plugins:write) succeeds, audited; the default action stays closed to them', async () => {
    const ok = await act('terms.kill', sessions);
    expect(ok.status).toBe(202);
    await expect
      .poll(() => seen.map((e) => [(e.data as { action: string }).action, (e.data as { by: string }).by]))
      .toEqual([
        ['terms.refresh', writerId],
        ['terms.kill', sessionsId],
      ]);
    await expect
      .poll(async () => (await audit('plugin.panel-action')).map((a) => [a.actor, a.details?.change]))
      .toContainEqual([sessionsId, expect.objectContaining({ action: 'terms.kill' })]);
    const refused = await act('terms.refresh', sessions);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'OMEGA_ERR_FORBIDDEN', permission: 'plugins:write' });
    expect(seen).toHaveLength(2);
  });
});
