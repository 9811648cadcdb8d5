import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { removeDir } from '../helpers/temp-kernel.js';

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'omega-outside-actions-'));
afterAll(() => removeDir(dir));

function run(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], {
      env: { ...process.env, OMEGA_CONFIG: join(dir, 'cli.json') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (status) => done({ status, stderr }));
  });
}

it.each(['nodes', 'plugin', 'sessions', 'marketplace', 'nodes token', 'alerts'])(
  'omega %s with an unknown action names it, one line, exit 2',
  async (command) => {
    const r = await run([...command.split(' '), 'frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown action "frobnicate" \(one of: /);
  },
);
