import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/temp-kernel.js';

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'omega-outside-listen-'));
afterAll(() => removeDir(dir));

/** `omega start` on a data dir of its own; resolves when the process has exited. */
function start(args: string[]): Promise<{ status: number | null; stderr: string; dataDir: string }> {
  const dataDir = join(dir, `data-${Math.random().toString(36).slice(2)}`);
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        CLI,
        'start',
        '--data-dir',
        dataDir,
        '--no-local-agent',
        ...args,
      ],
      { env: { ...process.env, OMEGA_CONFIG: join(dir, 'cli.json') }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (status) => done({ status, stderr, dataDir }));
  });
}

const untouched = (dataDir: string) =>
  expect(existsSync(dataDir) ? readdirSync(dataDir).filter((f) => f !== '.' && f !== '..') : []).toEqual([]);

describe('omega start on an address it cannot listen on', () => {
  it('an address not on this machine: one line naming --host, exit non-zero, nothing made', async () => {
    const r = await start(['--host', '8.8.8.8', '--port', '7799']);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^omega: cannot listen on 8\.8\.8\.8:7799: .*EADDRNOTAVAIL.*--host/);
    untouched(r.dataDir);
  });

  it('a port in use: one line naming --port, exit non-zero', async () => {
    const held = createServer();
    await new Promise<void>((ok) => held.listen(0, '127.0.0.1', ok));
    try {
      const { port } = held.address() as AddressInfo;
      const r = await start(['--host', '127.0.0.1', '--port', String(port)]);
      expect(r.status).not.toBe(0);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/EADDRINUSE.*--port/);
      untouched(r.dataDir);
    } finally {
      held.close();
    }
  });
});
