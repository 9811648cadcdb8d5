import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { removeDir } from '../helpers/temp-kernel.js';

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'omega-cli-quota-'));
afterAll(() => removeDir(dir));

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], {
      env: { ...process.env, OMEGA_CONFIG: join(dir, 'cli.json'), OMEGA_TOKEN: 'omg_not-a-real-token' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/*
 * Review: the old CLI stored `quota set user alice` under "alice"; once names resolve to ids,
 * show and rm must still find that quota (the id answers 404, the name is tried once).
 */
it('sessions quota show user NAME finds a quota the old CLI stored under the username', async () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url?.split('?')[0]}`);
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.url?.startsWith('/api/v1/security/users'))
      return json(200, { items: [{ id: 'u-2', username: 'alice' }] });
    if (req.url === '/api/v1/sessions/quotas/user/alice')
      return json(200, { scope: 'user', name: 'alice', limits: { cores: 2 }, version: 1 });
    json(404, { type: 'about:blank', title: 'Not Found', status: 404, code: 'OMEGA_ERR_NOT_FOUND' });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const r = await run(['sessions', 'quota', 'show', 'user', 'alice', '--url', url]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^user alice: 2 cores/);
    expect(seen).toEqual([
      'GET /api/v1/security/users',
      'GET /api/v1/sessions/quotas/user/u-2',
      'GET /api/v1/sessions/quotas/user/alice',
    ]);
  } finally {
    await new Promise((ok) => server.close(ok));
  }
});
