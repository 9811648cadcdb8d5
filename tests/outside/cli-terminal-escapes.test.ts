import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { output } from '../../cli/output.js';
import { terminalSafe } from '../../cli/terminal-safe.js';
import {
  api,
  type Doc,
  type NodesKernel,
  startNodesKernel,
  until,
} from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import { newIdentity, TestAgent } from '../agents/test-agent.js';

/*
 * Found from outside: a hostile agent's `leave` reason (up to 256 characters, its own words)
 * became the node's reason, and `omega nodes list` / `show` printed it raw to the operator's
 * terminal: `ESC ] 52 ; c ; <base64> BEL` writes the clipboard in terminals that allow it,
 * `ESC ] 0 ; …` the window title, `ESC [ 2 K` erases what the operator reads. The nodes plugin
 * now drops them from the reason (4175039), and the CLI's human output shows any control
 * character as a visible `\xNN` whatever the source; --json was already safe (JSON escapes).
 */

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
const HOSTILE = 'bye \u001b[2K\u001b]0;pwned\u0007 \u001b]52;c;ZWNobyBwd25lZA==\u0007 \u009b31m end';

describe('omega CLI output and a hostile agent’s words', () => {
  let k: NodesKernel;
  beforeAll(async () => {
    k = await startNodesKernel();
  });
  afterAll(async () => {
    await k?.close();
  });

  const omega = (...args: string[]) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], {
        env: { ...process.env, OMEGA_URL: k.url, OMEGA_TOKEN: k.token },
      });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout }));
    });

  it('nodes list and show never print a leave reason’s control characters raw', async () => {
    const minted = await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { uses: 1 } });
    const agent = new TestAgent(k.url, newIdentity(), {
      mode: 'join',
      token: minted.body.token,
      name: 'esc1',
    });
    expect((await agent.handshake()).ok).toBe(true);
    agent.send({ k: 'leave', reason: HOSTILE });
    await agent.waitClosed();
    await until(async () => (await api<Doc>(k, '/api/v1/nodes/esc1')).body.status?.state === 'left', 10_000);

    for (const args of [
      ['nodes', 'list'],
      ['nodes', 'show', 'esc1'],
    ]) {
      const r = await omega(...args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toContain('esc1');
      expect(terminalSafe(r.stdout), args.join(' ')).toBe(r.stdout);
    }
  }, 60_000);

  it('a newline in a token description cannot start a line of its own in nodes token list', async () => {
    const made = await api<Doc>(k, '/api/v1/nodes/tokens', {
      method: 'POST',
      body: { uses: 1, description: 'rack a\nnd-forged    active   0/1' },
    });
    expect(made.status).toBe(201);
    const r = await omega('nodes', 'token', 'list');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"rack a\\nnd-forged');
    expect(r.stdout.split('\n').filter((l) => l.startsWith('nd-forged'))).toEqual([]);
  }, 60_000);

  it('human output shows any control character the kernel sends as \\xNN; --json escapes it', () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      output(false, {}, () => `left: ${HOSTILE}`);
      output(true, { reason: HOSTILE }, () => '');
    } finally {
      spy.mockRestore();
    }
    expect(written[0]).toContain('\\x1b]52;c;ZWNobyBwd25lZA==\\x07');
    expect(terminalSafe(written[0]!)).toBe(written[0]);
    expect(written[1]).toContain('\\u001b]52;c;');
  });

  it('keeps newlines and tabs, and text without controls, as they are', () => {
    expect(terminalSafe('a\tb\nc — ü')).toBe('a\tb\nc — ü');
    expect(terminalSafe('x\u001by\ru\u009bv\u007f')).toBe('x\\x1by\\x0du\\x9bv\\x7f');
  });
});
