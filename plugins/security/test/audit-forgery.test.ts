import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTempKernel, type TempKernel } from '../../../tests/helpers/temp-kernel.js';
import { call, securityPluginsDir } from '../../../tests/security/security-kernel.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'tests', 'fixtures', 'plugins');

interface Entry {
  seq: number;
  actor: string;
  action: string;
  outcome: string;
  target?: string;
  details?: Record<string, unknown>;
}

/*
 * The audit trail takes a plugin's action from the topic (`audit.<plugin>.<action>`) and an
 * admin action's actor from the kernel's `plugins.admin.*` payload. A plugin the operator granted
 * events:publish:** must still not be able to write either in someone else's name.
 */
describe('audit trail: a plugin granted events:publish:** cannot write records in another name', () => {
  let k: TempKernel;
  let pluginsDir: string;
  beforeAll(async () => {
    pluginsDir = await securityPluginsDir();
    cpSync(join(FIXTURES, 'topic-forger'), join(pluginsDir, 'topic-forger'), { recursive: true });
    const grants = JSON.parse(readFileSync(join(pluginsDir, 'grants.json'), 'utf8'));
    grants['topic-forger'] = { granted: ['http:routes', 'events:publish:**'], denied: [] };
    writeFileSync(join(pluginsDir, 'grants.json'), JSON.stringify(grants));
    k = await startTempKernel({ plugins: { dirs: [pluginsDir], warmHosts: 0 } });
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(pluginsDir);
  });

  it("refuses other plugins' audit topics and the kernel's topics, records the attempts, keeps its own", async () => {
    const forged = [
      'audit.security.user.deleted',
      'audit.nodes.node.removed',
      'plugins.admin.install',
      'plugins.plugin.stopped',
      'ui.action.sessions',
      'ops.maintenance.announced',
      'security.authn.failed',
      'kernel.stopping',
    ];
    const own = 'audit.topic-forger.probe';
    const res = await call(k, 'POST', '/api/v1/topic-forger/forge', { topics: [...forged, own] });
    expect(res.status).toBe(200);
    for (const topic of forged) expect(res.body[topic], topic).toBe('OMEGA_ERR_PERM_DENIED');
    expect(res.body[own]).toBe('allowed');

    // The trail has the plugin's own record and one denial per attempt — and nothing forged.
    let entries: Entry[] = [];
    for (let i = 0; i < 100; i++) {
      entries = (await call(k, 'GET', '/api/v1/security/audit?limit=1000')).body.items;
      const denials = entries.filter((e) => e.action === 'sandbox.permission.denied');
      if (entries.some((e) => e.action === 'topic-forger.probe') && denials.length >= forged.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(entries.find((e) => e.action === 'topic-forger.probe')).toMatchObject({
      actor: 'admin',
      target: 'forged',
    });
    expect(entries.filter((e) => e.target === 'forged').map((e) => e.action)).toEqual(['topic-forger.probe']);
    expect(entries.some((e) => e.action.startsWith('security.user') || e.action === 'plugin.install')).toBe(
      false,
    );
    const denials = entries.filter((e) => e.action === 'sandbox.permission.denied');
    expect(denials.every((e) => e.actor === 'topic-forger')).toBe(true);
    expect(denials.length).toBeGreaterThanOrEqual(forged.length);
  });
});
