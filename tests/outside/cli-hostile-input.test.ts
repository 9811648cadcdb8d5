import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/temp-kernel.js';

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');

/** Runs the CLI without blocking this process (a test server here must keep answering). */
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

const dir = mkdtempSync(join(tmpdir(), 'omega-outside-cli-'));
afterAll(() => removeDir(dir));

const oneLine = (text: string) => expect(text.trimEnd().split('\n')).toHaveLength(1);

describe('omega CLI, handed hostile input', () => {
  it('a flag value parseArgs refuses is one line on stderr, exit 2', async () => {
    const r = await run(['start', '--port', '-1']);
    expect(r.status).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/^omega: .*--port/);
  });
});
