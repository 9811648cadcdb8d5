import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../cli/api-client.js';
import { kernelApi } from '../../cli/kernel-api.js';
import { KERNEL_VERSION } from '../../kernel/index.js';
import { attachMarketplace } from '../../marketplace/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';

/** The error a call rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('kernelApi against a real kernel (core plugins and the marketplace API)', () => {
  let k: TempKernel;
  let home: string;
  const saved = process.env.OMEGA_CONFIG;

  beforeAll(async () => {
    // An empty CLI config of its own: no context of the machine's user leaks in.
    home = mkdtempSync(join(tmpdir(), 'omega-kernel-api-'));
    process.env.OMEGA_CONFIG = join(home, 'config.json');
    k = await startTempKernel();
    attachMarketplace(k.kernel);
  });
  afterAll(async () => {
    await k?.stop();
    removeDir(k.dataDir);
    removeDir(home);
    if (saved === undefined) delete process.env.OMEGA_CONFIG;
    else process.env.OMEGA_CONFIG = saved;
  });

  it('answers with the documented shape: the kernel version and its running plugins', async () => {
    const info = await kernelApi({ url: k.url, token: k.token }).get('/api/v1/kernel');
    expect(info.version).toBe(KERNEL_VERSION);
    const running = info.plugins.filter((p) => p.status === 'running').map((p) => p.name);
    expect(running).toEqual(expect.arrayContaining(['resources', 'security', 'sessions']));
    const sinks = await kernelApi({ url: k.url, token: k.token }).get('/api/v1/events/sinks');
    expect(sinks.sinks).toEqual([]);
  });

  it('sends path parameters encoded and JSON bodies, and turns a problem into a coded ApiError', async () => {
    const api = kernelApi({ url: k.url, token: k.token });
    const settings = await api.get('/api/v1/resources/settings');
    expect(typeof settings).toBe('object');
    const bad = await rejection(api.post('/api/v1/marketplace/remove', { body: { name: 'NOT A NAME' } }));
    expect(bad.code).toBe('OMEGA_ERR_VALIDATION');
    expect(bad.problem.status).toBe(400);
    // A name with a slash stays one path segment: the plugins route refuses it as a name (sent
    // raw, fetch would resolve the dots and GET /api/v1/kernel would answer 200).
    const missing = await rejection(
      api.get('/api/v1/plugins/{name}', { path: { name: 'nope/../../kernel' } }),
    );
    expect(missing.problem.status).toBe(400);
    expect(missing.code).toMatch(/^OMEGA_ERR_/);
  });

  it('sends raw bytes as octet-stream where the document has no JSON body, with its typed query', async () => {
    const api = kernelApi({ url: k.url, token: k.token });
    const err = await rejection(
      api.post('/api/v1/plugins/install', {
        query: { dryRun: 'true' },
        unchecked: { bytes: new TextEncoder().encode('not a tar') },
      }),
    );
    expect(err.problem.status).toBe(400);
    expect(err.code).toMatch(/^OMEGA_ERR_/);
  });

  it('probes anonymously when asked, and names the sign-in fix when a token is missing or wrong', async () => {
    const anonymous = kernelApi({ url: k.url, token: 'omg_wrong-token-0123456789abcdef' });
    await expect(anonymous.get('/api/v1/ready', { anonymous: true })).resolves.toBeDefined();
    const refused = await rejection(anonymous.get('/api/v1/kernel'));
    expect(refused.problem.status).toBe(401);
    expect(refused.message).toContain('--token');
  });

  it('says how to reach a kernel when none answers', async () => {
    const err = await rejection(kernelApi({ url: 'http://127.0.0.1:1' }).get('/api/v1/ready'));
    expect(err.code).toBe('UNREACHABLE');
    expect(err.message).toMatch(/omega start/);
  });
});
