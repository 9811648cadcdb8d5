import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/temp-kernel.js';
import {
  api,
  createSession,
  type Doc,
  type NodesKernel,
  skipReason,
  startNode,
  startSessionsKernel,
  stopNode,
  type TestNode,
  waitSession,
} from '../sessions/helpers/sessions-cluster.js';

/*
 * Found from outside: `omega sessions run -f --cwd DIR -- …` with a DIR the session's uid may
 * not enter. The node refuses the start (EACCES), the session ends `failed` with that reason —
 * and the follower was told "<node> no longer has session … (its logs were removed)", 404, as
 * if output had existed and been deleted. A session that ended before it ever ran has no
 * output: the logs routes answer SESSIONS_ERR_NO_LOGS with the session's own reason, and
 * `run -f` prints that reason and exits 1.
 */

const reason = await skipReason();
const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');

describe.skipIf(reason !== null)(
  `a session that ended before it started${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let k: NodesKernel;
    let node: TestNode;
    let closed: string;

    beforeAll(async () => {
      k = await startSessionsKernel();
      node = await startNode(k, 'ns1');
      // Root's own 0700 directory: a session's uid cannot enter it.
      closed = mkdtempSync(join(tmpdir(), 'omega-closed-cwd-'));
      chmodSync(closed, 0o700);
    }, 180_000);
    afterAll(async () => {
      if (node) await stopNode(node);
      await k?.close();
      if (closed) removeDir(closed);
    });

    it('answers its logs and log search with SESSIONS_ERR_NO_LOGS naming why, not "logs were removed"', async () => {
      const created = await createSession(k, { command: 'true', cwd: closed, resources: { memory: '64M' } });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const s = await waitSession(k, id, (v) => v.status.state === 'failed');
      expect(s.status.reason).toMatch(/EACCES/);
      expect(s.status.startedAt).toBeUndefined();

      for (const path of [`/api/v1/sessions/${id}/logs`, `/api/v1/sessions/${id}/logs/search?pattern=x`]) {
        const r = await api<Doc>(k, path);
        expect(r.status, path).toBe(409);
        expect(r.body.code, path).toBe('SESSIONS_ERR_NO_LOGS');
        expect(r.body.detail, path).toContain(s.status.reason);
      }
    });

    it('run -f prints the reason it failed and exits 1', async () => {
      const r = await new Promise<{ code: number; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            '--conditions=source',
            '--import',
            'tsx',
            CLI,
            'sessions',
            'run',
            '-f',
            '--memory',
            '64M',
            '--cwd',
            closed,
            '--',
            'true',
          ],
          { env: { ...process.env, OMEGA_URL: k.url, OMEGA_TOKEN: k.token } },
        );
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
      });
      expect(r.stderr).not.toMatch(/logs were removed/);
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(/failed: could not start on ns1: .*EACCES/);
      expect(r.code).toBe(1);
    });
  },
);
