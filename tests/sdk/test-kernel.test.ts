import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKernel, type TestKernel } from '../../kernel/testing/index.js';
import { buildPlugin } from '../../sdk/src/build/index.js';
import { initPlugin } from '../../sdk/src/scaffold/index.js';
import { removeDir } from '../helpers/temp-kernel.js';

const SDK = join(import.meta.dirname, '..', '..', 'sdk');

/** The code and message a promise rejects with. */
async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string };
  }
  throw new Error('expected a refusal');
}

describe('the plugin test harness (omega/testing) with scaffolded plugins built by the sdk', () => {
  const work = mkdtempSync(join(tmpdir(), 'omega-harness-'));
  let k: TestKernel | undefined;
  beforeAll(async () => {
    for (const name of ['greet', 'other', 'fresh']) {
      await initPlugin(work, name);
      mkdirSync(join(work, name, 'node_modules', '@omega'), { recursive: true });
      symlinkSync(SDK, join(work, name, 'node_modules', '@omega', 'sdk'), 'dir');
    }
    // fresh stays unbuilt; the type check is tests/sdk/build.test.ts's
    await buildPlugin(join(work, 'greet'), { typecheck: false });
    await buildPlugin(join(work, 'other'), { typecheck: false });
  });
  afterAll(async () => {
    await k?.stop();
    removeDir(work);
  });

  it('loads the built plugin and what `with` names, granted what they declare; api, storage, info', async () => {
    k = await startTestKernel({ plugin: join(work, 'greet'), with: [join(work, 'other')] });
    expect(k.name).toBe('greet');
    const res = await k.api('/api/v1/greet/hello?name=ada');
    expect(await res.json()).toEqual({ message: 'hello, ada', count: 1 });
    expect((await k.storage.get('greetings', 'ada'))?.value).toEqual({ count: 1 });
    expect(k.info()).toMatchObject({
      status: 'running',
      permissions: { granted: ['http:routes', 'storage'] },
    });
    expect((await k.api('/api/v1/other/hello')).status).toBe(200);
    const bad = await k.api(`/api/v1/greet/hello?name=${'x'.repeat(65)}`, { token: false });
    expect(bad.status).toBe(400);
    // The scaffold declares its query schema: the kernel refuses before the plugin is called.
    expect(await bad.json()).toMatchObject({
      code: 'OMEGA_ERR_VALIDATION',
      errors: [expect.objectContaining({ field: 'name' })],
    });
    await k.stop();
    k = undefined;
  });

  it('refuses with the plugin reasons when the grants leave out what it needs', async () => {
    const err = await refusal(startTestKernel({ plugin: join(work, 'greet'), grants: ['http:routes'] }));
    expect(err.code).toBe('OMEGA_ERR_PLUGIN_FAILED');
    expect(err.message).toMatch(/storage/);
  });

  it('names omega-plugin build for an unbuilt folder, and a missing folder as not found', async () => {
    const unbuilt = await refusal(startTestKernel({ plugin: join(work, 'fresh') }));
    expect(unbuilt.code).toBe('OMEGA_ERR_MANIFEST_INVALID');
    expect(unbuilt.message).toMatch(/omega-plugin build/);
    const missing = await refusal(startTestKernel({ plugin: join(work, 'absent') }));
    expect(missing.code).toBe('OMEGA_ERR_NOT_FOUND');
  });
});
