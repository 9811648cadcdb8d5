import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentKey, api, type Doc, type NodesKernel, startNodesKernel } from './helpers/nodes-kernel.js';

/*
 * `omega nodes …` as a user runs it: the real CLI process (cli/main.ts) against a real kernel
 * with the nodes plugin. Human output and --json, and one-line errors naming the flag.
 */

const CLI = join(import.meta.dirname, '..', '..', '..', 'cli', 'main.ts');
/** Each CLI run is a fresh process that loads TypeScript: seconds apiece on a loaded machine. */
const SLOW = 180_000;
let k: NodesKernel;

function omega(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, 'nodes', ...args], {
      env: { ...process.env, OMEGA_URL: k.url, OMEGA_ADMIN_TOKEN: k.token },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
const json = async (...args: string[]): Promise<Doc> => {
  const r = await omega(...args, '--json');
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Doc;
};

beforeAll(async () => {
  k = await startNodesKernel();
  // The node these tests join never heartbeats: liveness is not what they test, so its bounds
  // are set beyond the suite's length (slow CLI processes must not make it suspect mid-test).
  const put = await api(k, '/api/v1/nodes/settings', {
    method: 'PUT',
    body: { suspectAfterMs: 3_600_000, downAfterMs: 7_200_000 },
  });
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await k?.close();
});

describe('omega nodes', () => {
  it(
    'token create / list / revoke, and a node joined with it in list and show',
    async () => {
      const created = await omega(
        'token',
        'create',
        '--ttl',
        '2h',
        '--uses',
        '3',
        '--label',
        'rack=a,zone=eu',
        '--description',
        'cli',
      );
      expect(created.code).toBe(0);
      const token = /token {3}(omg-join\.\S+)/.exec(created.stdout)?.[1] as string;
      expect(token).toMatch(/^omg-join\./);
      expect(created.stdout).toContain('shown only now');
      const list = await json('token', 'list');
      const t = list.items.find((x: Doc) => token.includes(x.id));
      expect(t.spec).toMatchObject({ uses: 3, labels: { rack: 'a', zone: 'eu' }, description: 'cli' });
      expect(JSON.stringify(list)).not.toContain(token.split('.')[2]);

      await k.call('nodes.agent-gateway', {
        op: 'join',
        token,
        name: 'cli-node',
        publicKey: agentKey().publicKey,
        specs: {},
      });
      const human = await omega('list');
      expect(human.stdout).toMatch(/^NAME\s+STATE/);
      expect(human.stdout).toMatch(/cli-node\s+ready/);
      expect(human.stdout).toContain('rack=a,zone=eu');
      const shown = await json('show', 'cli-node');
      expect(shown.status.state).toBe('ready');
      expect((await omega('show', 'cli-node')).stdout).toContain('reason       joined with token');

      const revoked = await omega('token', 'revoke', t.id);
      expect(revoked.stdout.trim()).toBe(`revoked token ${t.id}`);
    },
    SLOW,
  );

  it(
    'label, cordon, drain, uncordon, remove',
    async () => {
      const labelled = await json('label', 'cli-node', 'gpu=a100', 'zone-');
      expect(labelled.spec.labels).toEqual({ rack: 'a', gpu: 'a100' });
      const drained = await json('drain', 'cli-node', '--reason', 'kernel upgrade', '--deadline', '2h');
      expect(drained.spec.drain.reason).toBe('kernel upgrade');
      expect(Date.parse(drained.spec.drain.deadline)).toBeGreaterThan(Date.now() + 3_600_000);
      expect((await omega('list', '--state', 'draining')).stdout).toMatch(/cli-node\s+\w+,draining/);
      expect((await json('uncordon', 'cli-node', '--reason', 'done')).status.cordoned).toBe(false);
      const removed = await omega('remove', 'cli-node', '--reason', 'retired');
      expect(removed.stdout).toMatch(/^removed cli-node \(nd-[^)]+\); its identity is revoked/);
    },
    SLOW,
  );

  it(
    'errors are one line naming the flag or the problem, with a non-zero exit',
    async () => {
      const noReason = await omega('cordon', 'x');
      expect(noReason.code).toBe(2);
      expect(noReason.stderr.trim()).toBe(
        'omega: nodes cordon needs --reason "why" (it is recorded in the audit trail)',
      );
      const unknown = await omega('show', 'nope');
      expect(unknown.code).toBe(1);
      expect(unknown.stderr.trim()).toBe('omega: No node "nope". [OMEGA_ERR_NOT_FOUND]');
      const badState = await omega('list', '--state', 'sleepy');
      expect(badState.code).toBe(1);
      expect(badState.stderr).toMatch(
        /^omega: Invalid request: state: must be one of .* \[OMEGA_ERR_VALIDATION\]\n$/,
      );
      const badLabel = await omega('token', 'create', '--label', 'rack');
      expect(badLabel.stderr.trim()).toBe('omega: --label takes k=v pairs separated by commas (got "rack")');
      expect((await omega('frobnicate')).stderr).toContain(
        'nodes: unknown action "frobnicate" (one of: list, show',
      );
      expect((await omega('pending', '--json')).stdout).toContain('"items": []');
    },
    SLOW,
  );
});
