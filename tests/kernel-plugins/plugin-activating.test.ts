import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PluginView } from '../../kernel/plugins/manager/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a plugin whose activation hangs, seen through the API', () => {
  let k: TempKernel;
  let pluginsDir: string;
  const info = async (name: string) => (await (await k.api(`/api/v1/plugins/${name}`)).json()) as PluginView;

  beforeAll(async () => {
    pluginsDir = mkdtempSync(join(tmpdir(), 'omega-plugins-'));
    const grantsFile = join(pluginsDir, 'grants.json');
    writeFileSync(grantsFile, JSON.stringify({ hangs: { granted: [], denied: [] } }));
    k = await startTempKernel({ plugins: { dirs: [pluginsDir], grantsFile, warmHosts: 1 } });
  });
  afterAll(async () => {
    await k?.stop();
    removeDir(pluginsDir);
  });

  it('shows activating with the elapsed time, then the deadline as the named cause (API, event)', async () => {
    const events: Array<{ topic: string; data: { state: string; cause?: string } }> = [];
    const sub = k.kernel.bus.subscribe(['plugins.plugin.*'], (batch) => {
      for (const e of batch)
        if ((e.data as { plugin: string }).plugin === 'hangs')
          events.push(e as unknown as (typeof events)[number]);
    });
    writePluginDir(
      pluginsDir,
      'hangs',
      'export const plugin = { activate() { return new Promise(() => {}); } };\n',
      {},
    );
    const loading = k.kernel.plugins.load('hangs');
    // Before: "stopped" with no reason while activate() hung. Now `activating`, with the time so
    // far and the phase (a host from the pool can take a while to be ready on a loaded machine).
    await sleep(300); // load() reads the folder first
    let during = await info('hangs');
    for (
      let i = 0;
      i < 80 && !(during.runtime?.activationPhase === 'activate' && during.runtime.activatingMs! >= 1_000);
      i++
    ) {
      expect(during.status).toBe('activating');
      await sleep(100);
      during = await info('hangs');
    }
    expect(during.status).toBe('activating');
    expect(during.runtime?.activationPhase).toBe('activate');
    expect(during.runtime?.activatingMs).toBeGreaterThanOrEqual(1_000);
    expect(during.runtime?.pid).toBeGreaterThan(0);
    expect(during.runtime?.containment.cpuMillicores).toBe(500);
    const settled = await loading; // the 10 s activation deadline
    expect(['backoff', 'activating', 'crashed']).toContain(settled.status);
    const after = await info('hangs');
    expect(after.runtime?.lastCrash?.cause).toBe('deadline');
    expect(after.runtime?.lastCrash?.reason).toMatch(/activate/);
    sub.unsubscribe();
    expect(events.some((e) => e.topic === 'plugins.plugin.activating')).toBe(true);
    expect(events.find((e) => e.topic === 'plugins.plugin.crashed')?.data.cause).toBe('deadline');
    expect((await k.api('/api/v1/plugins/hangs/disable', { method: 'POST' })).status).toBe(200);
    const stopped = await info('hangs');
    expect(stopped.status).toBe('disabled');
  });
});
