import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breakGlass } from '../../kernel/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { call, securityPluginsDir } from './security-kernel.js';

/* A security plugin quarantined by real crashes (kill -9), and the way back on the kernel's machine. */

describe('break-glass for a quarantined security plugin', () => {
  let k: TempKernel;
  let pluginsDir: string;

  beforeAll(async () => {
    pluginsDir = await securityPluginsDir();
    k = await startTempKernel({ plugins: { dirs: [pluginsDir], warmHosts: 0 } });
  }, 120_000);
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(pluginsDir);
  });

  const runtime = async () =>
    (await call(k, 'GET', '/api/v1/plugins/security')).body.runtime as { state: string; pid?: number };

  it('mints a 0600, logged, short-lived admin token that works only while the plugin is down', async () => {
    // Five crashes within a minute quarantine the plugin.
    for (let i = 0; i < 5; i++) {
      let r = await runtime();
      for (let t = 0; t < 200 && (r.state !== 'running' || r.pid === undefined); t++) {
        await new Promise((res) => setTimeout(res, 50));
        r = await runtime();
      }
      process.kill(r.pid!, 'SIGKILL');
      for (let t = 0; t < 200 && (await runtime()).pid === r.pid; t++)
        await new Promise((res) => setTimeout(res, 50));
    }
    let state = (await runtime()).state;
    for (let t = 0; t < 100 && state !== 'quarantined'; t++) {
      await new Promise((res) => setTimeout(res, 50));
      state = (await runtime()).state;
    }
    expect(state).toBe('quarantined');

    const r = await breakGlass(k.dataDir, 300);
    expect((statSync(r.tokenFile).mode & 0o777).toString(8)).toBe('600');
    const token = readFileSync(r.tokenFile, 'utf8').trim();
    const log = readFileSync(join(k.dataDir, 'break-glass.log'), 'utf8').trim().split('\n');
    expect(JSON.parse(log.at(-1)!)).toMatchObject({ action: 'break-glass.token', jti: r.jti });

    expect((await call(k, 'GET', '/api/v1/plugins', undefined, token)).status).toBe(200);
    // Its use is an event, durable before it is visible (so configured sinks ship it).
    const usedEvents = () => k.kernel.bus.replay(0, ['kernel.break-glass.used']);
    for (let t = 0; t < 100 && usedEvents().length === 0; t++)
      await new Promise((res) => setTimeout(res, 50));
    const used = usedEvents();
    expect(used === 'too-old' ? used : used.map((e) => e.data)).toContainEqual(
      expect.objectContaining({ jti: r.jti }),
    );
    expect((await call(k, 'POST', '/api/v1/plugins/security/reload', undefined, token)).status).toBe(200);
    let back = await runtime();
    for (let t = 0; t < 200 && back.state !== 'running'; t++) {
      await new Promise((res) => setTimeout(res, 50));
      back = await runtime();
    }
    expect(back.state).toBe('running');
    // The running plugin does not know the break-glass token: it stops working at once.
    expect((await call(k, 'GET', '/api/v1/plugins', undefined, token)).status).toBe(401);
  }, 120_000);
});
