import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';

/*
 * A refused plugin's routes answer 503 with why it is refused — which names the grants file's
 * path on the kernel's disk and the grants it lacks. A public route gave that to anyone (walk):
 * an anonymous caller now learns only that the plugin is refused;
 */
describe("a refused plugin's public route", () => {
  let k: TempKernel;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omega-refused-route-'));
    writePluginDir(dir, 'locked', 'export const plugin = { routes: { hello: () => ({ body: {} }) } };\n', {
      permissions: ['http:routes', 'timers'],
      routes: [
        { method: 'GET', path: '/hello', handler: 'hello', permission: 'public' },
        { method: 'GET', path: '/inside', handler: 'hello', permission: 'locked:read' },
      ],
    });
    const grantsFile = join(dir, 'grants.json');
    writeFileSync(grantsFile, JSON.stringify({ locked: { granted: ['http:routes'], denied: [] } }));
    k = await startTempKernel({ plugins: { dirs: [dir], grantsFile, warmHosts: 0 } });
  });
  afterAll(async () => {
    await k?.stop();
    removeDir(dir);
  });

  it('tells an anonymous caller it is refused, not why; an operator sees why', async () => {
    const anonymous = await k.api('/api/v1/locked/hello', { token: false });
    expect(anonymous.status).toBe(503);
    const text = await anonymous.text();
    expect(JSON.parse(text)).toMatchObject({
      code: 'OMEGA_ERR_PLUGIN_UNAVAILABLE',
      plugin: 'locked',
      state: 'refused',
    });
    expect(text).not.toContain(dir);
    expect(text).not.toContain('timers');

    // A caller who may read the plugin's view (the admin token) is told why on its other routes.
    const inside = await k.api('/api/v1/locked/inside');
    expect(inside.status).toBe(503);
    expect(
      ((await inside.json()) as { reasons: Array<{ code: string }> }).reasons.map((r) => r.code),
    ).toEqual(['OMEGA_ERR_PLUGIN_NOT_GRANTED']);
    // A public route does not read credentials; the operator asks the plugin API.
    const operator = await k.api('/api/v1/plugins/locked');
    expect(operator.status).toBe(200);
    const view = (await operator.json()) as {
      status: string;
      reasons: Array<{ code: string; message: string }>;
    };
    expect(view.status).toBe('refused');
    expect(view.reasons.map((r) => r.code)).toEqual(['OMEGA_ERR_PLUGIN_NOT_GRANTED']);
    expect(view.reasons[0]?.message).toContain('timers');
  });
});
