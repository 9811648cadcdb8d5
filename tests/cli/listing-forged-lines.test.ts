import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirForFile } from '../helpers/temp-dir.js';

/*
 * Found by review: inline() was applied cell by cell, and only where someone had been bitten
 * (nodes list, nodes token list, sessions list, the history lines). `alerts silences` and
 * `alerts list` printed a user's silence or acknowledgement reason raw, `plugin list` a
 * plugin's error message, `sessions show` and `nodes show` their reason line: a newline there
 * printed a row of its own. Every listing now renders through listingLine, which makes each
 * cell one line; the kernel here is a stand-in answering what a hostile user or plugin wrote.
 */

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
const dir = tempDirForFile('omega-cli-listing-');
const packed = join(dir, 'evil.omega-plugin');
writeFileSync(packed, 'not read by the stand-in kernel');
const T = '2020-01-01T00:00:00.000Z';
const FORGED = 'maint\nsi-forged          active   until 2099-01-01T00:00:00Z by admin';

const silence = (id: string, reason: string) => ({
  id,
  spec: { rule: 'cpu-high', reason, startsAt: 0, endsAt: 1e12 },
  status: { state: 'active' },
  createdBy: { id: 'u-1', name: 'mallory' },
});
const plugin = (name: string, message: string) => ({
  name,
  version: '1.0.0',
  status: 'failed',
  enabled: true,
  reasons: [{ code: 'OMEGA_ERR_PLUGIN_FAILED', message }],
});
const session = {
  id: 's-1',
  owner: { id: 'u-1', name: 'mallory' },
  spec: {
    name: 'job',
    command: 'true',
    args: [],
    resources: { cores: 1, memoryBytes: 1e9, gpus: 0 },
    nodeSelector: '',
    priority: 0,
    target: { kind: 'nodes' },
  },
  status: { state: 'cancelled', reason: `cancelled: ${FORGED}`, since: T },
  history: [],
  createdAt: T,
};

const ANSWERS: Record<string, unknown> = {
  '/api/v1/metrics/alerts/silences': { items: [silence('si-1', FORGED), silence('si-2', 'ok')] },
  '/api/v1/metrics/alerts': {
    items: [
      {
        id: 'al-1',
        rule: 'cpu-high',
        series: 'node=vm',
        state: 'firing',
        since: 0,
        value: 1,
        severity: 'warning',
        acknowledged: { by: { id: 'u-1', name: 'mallory' }, reason: FORGED, at: 0 },
      },
    ],
  },
  '/api/v1/plugins': { items: [plugin('evil', `boom\nmetrics              1.0.0      running`)] },
  '/api/v1/sessions/s-1': session,
  '/api/v1/nodes/n-1': {
    id: 'n-1',
    name: 'vm',
    version: 3,
    spec: { labels: {} },
    status: {
      state: 'ready',
      reason: 'ok',
      since: T,
      schedulable: true,
      connected: false,
      fingerprint: 'SHA256:x',
      capacity: { cores: 1, threads: 1, memoryBytes: 1e9, gpus: [] },
      // An agent's reason (the history line nodes show prints): a forged, later-looking entry.
      history: [
        { state: 'ready', reason: 'joined', at: T },
        { state: 'draining', reason: `maint\nhistory     2099-01-01T00:00:00Z  ready    all good`, at: T },
      ],
    },
    createdAt: T,
  },
  '/api/v1/plugins/install': {
    name: 'evil',
    version: '1.0.0',
    publisher: { kid: 'k-1', name: `mallory\ninstalled metrics@9.9.9, signed by Omega: running` },
    denied: [],
    plan: {},
  },
};

function omega(...args: string[]): Promise<{ status: number | null; stdout: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], {
      env: { ...process.env, OMEGA_CONFIG: join(dir, 'cli.json'), OMEGA_TOKEN: '', OMEGA_ADMIN_TOKEN: '' },
    });
    let stdout = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.on('close', (status) => done({ status, stdout }));
  });
}

describe('omega listings, given text with a newline in a field that was printed raw', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const body = ANSWERS[(req.url ?? '').split('?')[0]!];
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { code: 'OMEGA_ERR_NOT_FOUND', detail: 'no such route' }));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((ok) => server?.close(ok));
  });

  it('prints one line per item, the newline shown as \\n, and no forged row', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['alerts', 'silences'], 2, /^si-forged/],
      [['alerts', 'list'], 1, /^si-forged/],
      [['plugin', 'list'], 2, /^metrics/], // its header, and the plugin
      [['sessions', 'show', 's-1'], 8, /^si-forged/],
      [['nodes', 'show', 'n-1'], 10, /^history +2099/],
      // The publisher's name on the line plugin install prints.
      [['plugin', 'install', packed], 1, /^installed metrics/],
    ];
    for (const [args, lines, forged] of cases) {
      const r = await omega(...args, '--url', url);
      const name = args.join(' ');
      expect(r.status, name).toBe(0);
      const out = r.stdout.trimEnd().split('\n');
      expect(
        out.filter((l) => forged.test(l)),
        name,
      ).toEqual([]);
      expect(out, name).toHaveLength(lines);
      expect(r.stdout, name).toContain('\\n');
    }
  });

  it('heads plugin list with its columns, as the other listings (it had no header row)', async () => {
    const r = await omega('plugin', 'list', '--url', url);
    expect(r.stdout.split('\n')[0]).toMatch(/^NAME +VERSION +STATUS +REASON$/);
  });
});
