import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type Authenticator, PUBLIC } from '../../kernel/auth/index.js';
import { parseConfig } from '../../kernel/config/index.js';
import { omegaError } from '../../kernel/errors/index.js';
import { createHttpApp } from '../../kernel/http/create-app.js';
import { createRequestLog } from '../../kernel/http/request-log.js';
import { respond } from '../../kernel/http/respond.js';
import type { RouteInput, RouteSpec } from '../../kernel/http/route.js';
import { RouteTable } from '../../kernel/http/route-table.js';
import { startKernel } from '../../kernel/kernel.js';
import { createLogger } from '../../kernel/log/index.js';
import { removeDir } from '../helpers/temp-kernel.js';

type LogLine = Record<string, unknown> & { level: string; msg: string };

function capture(level = 'info') {
  const lines: LogLine[] = [];
  const logger = createLogger({
    level,
    destination: new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as LogLine);
        cb();
      },
    }) as never,
  });
  return { lines, logger };
}

const TOKEN = 'viewer-token-0123456789';
const viewer: Authenticator = {
  authenticate: async ({ bearer }) =>
    bearer === TOKEN ? { id: 'v', kind: 'user', permissions: ['things:read'] } : null,
};

function app(level = 'info') {
  const { lines, logger } = capture(level);
  const table = new RouteTable();
  const route = (path: string, handler: RouteSpec['handler'], permission = PUBLIC): void => {
    table.add({ method: 'GET', path, permission, owner: 'kernel', summary: path, handler });
  };
  const ok = (_c: unknown, input: RouteInput<unknown>) =>
    respond(input, '{}', { headers: { 'content-type': 'application/json' } });
  route('/ok', ok);
  route('/slow', async (c, input) => {
    await sleep(80);
    return ok(c, input);
  });
  route('/boom', () => {
    throw new Error('internal detail /etc/secret-path');
  });
  route('/conflict', () => {
    throw omegaError('OMEGA_ERR_CONFLICT', 'stale');
  });
  route('/starting', () => {
    throw omegaError('OMEGA_ERR_UNAVAILABLE', 'The kernel is not ready.');
  });
  route('/busy', () => {
    throw omegaError('OMEGA_ERR_RATE_LIMITED', 'slow down', { retryAfterSec: 3 });
  });
  route('/read', ok, 'things:read');
  route('/write', ok, 'things:write');
  const http = createHttpApp({
    table,
    authenticator: viewer,
    logger,
    bodyLimitBytes: 1024,
    isStopping: () => false,
    log: { slowMs: 40, summaryIntervalMs: 0 },
  });
  const call = (path: string, token?: string) =>
    http.fetch(
      new Request(`http://x${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    );
  return { http, call, lines };
}

describe('the access log', () => {
  it('summarises successes instead of a line each, and logs every denial, error and slow request', async () => {
    const { http, call, lines } = app();
    for (let i = 0; i < 20; i++) expect((await call('/ok')).status).toBe(200);
    expect((await call('/read', TOKEN)).status).toBe(200);
    expect(lines).toEqual([]);

    expect((await call('/read')).status).toBe(401);
    expect((await call('/read', 'wrong-token-0123456789')).status).toBe(401);
    expect((await call('/write', TOKEN)).status).toBe(403);
    expect((await call('/busy')).status).toBe(429);
    expect((await call('/conflict')).status).toBe(409);
    expect((await call('/nope')).status).toBe(404);
    const boom = await call('/boom');
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain('secret-path');
    expect((await call('/slow')).status).toBe(200);
    expect((await call('/starting')).status).toBe(503);

    const by = (msg: string) => lines.filter((l) => l.msg === msg);
    expect(by('request denied').map((l) => [l.level, l.status, l.path])).toEqual([
      ['warn', 401, '/read'],
      ['warn', 401, '/read'],
      ['warn', 403, '/write'],
      ['warn', 429, '/busy'],
    ]);
    expect(by('request refused').map((l) => [l.level, l.status])).toEqual([
      ['info', 409],
      ['info', 404],
    ]);
    const failed = by('request failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: 'error', status: 500, path: '/boom' });
    expect(String((failed[0]!.err as { stack: string }).stack)).toContain('secret-path');
    // Not ready yet is a state the answer explains, not a fault: a warning with its reason, no stack.
    expect(by('request unavailable')).toEqual([
      expect.objectContaining({ level: 'warn', status: 503, reason: 'The kernel is not ready.' }),
    ]);
    expect(by('request unavailable')[0]).not.toHaveProperty('err');
    expect(by('slow request')).toMatchObject([{ level: 'warn', status: 200, path: '/slow', slowMs: 40 }]);
    for (const l of lines) expect(typeof l.reqId).toBe('string');
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
    expect(JSON.stringify(lines)).not.toContain('wrong-token');

    http.close();
    const summary = by('requests');
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({
      level: 'info',
      count: 30,
      status: { '2xx': 22, '4xx': 6, '5xx': 2 },
      slow: 1,
    });
    expect(summary[0]!.maxMs).toBeGreaterThanOrEqual(40);
    expect(summary[0]!.p99Ms).toBeGreaterThanOrEqual(summary[0]!.p50Ms as number);
    // Nothing more to sum up: no empty summary.
    http.close();
    expect(by('requests')).toHaveLength(1);
  });

  it('count() says which requests get a line of their own; a quiet success only reaches the summary', () => {
    const { lines, logger } = capture();
    const log = createRequestLog({ logger, slowMs: 50, summaryIntervalMs: 0 });
    const said = [
      log.count(200, 0.05),
      log.count(304, 3),
      log.count(200, 50),
      log.count(404, 1),
      log.count(403, 1),
      log.count(503, 1),
    ];
    expect(said).toEqual([false, false, true, true, true, true]);
    log.line({
      reqId: 'r-slow-0001',
      method: 'GET',
      path: '/s',
      status: 200,
      ms: 50,
      remote: () => '10.0.0.9',
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'slow request',
      reqId: 'r-slow-0001',
      remote: '10.0.0.9',
      slowMs: 50,
    });
    log.close();
    // every counted request is in the summary, the slow one counted once though it also got a line
    expect(lines[1]).toMatchObject({
      msg: 'requests',
      count: 6,
      status: { '2xx': 2, '3xx': 1, '4xx': 2, '5xx': 1 },
      slow: 1,
      p50Ms: 1,
      maxMs: 50,
    });
  });

  it('logs each success on its own line at debug', async () => {
    const { call, lines } = app('debug');
    await call('/ok');
    await call('/ok');
    expect(lines.filter((l) => l.msg === 'request').map((l) => [l.level, l.status])).toEqual([
      ['debug', 200],
      ['debug', 200],
    ]);
  });

  it('in a running kernel: no line for /health at info, a line for a denial, a summary on stop', async () => {
    const { lines, logger } = capture();
    const dataDir = mkdtempSync(join(tmpdir(), 'omega-log-'));
    const kernel = await startKernel(
      parseConfig({ port: 0, dataDir, auth: { adminToken: 'log-test-admin-token-0123456789' } }),
      { logger },
    );
    try {
      for (let i = 0; i < 10; i++) expect((await fetch(`${kernel.url}/api/v1/health`)).status).toBe(200);
      expect((await fetch(`${kernel.url}/api/v1/kernel`)).status).toBe(401);
      const http = lines.filter((l) => l.component === 'http');
      expect(http.map((l) => [l.msg, l.status])).toEqual([['request denied', 401]]);
      expect(http[0]!.remote).toMatch(/127\.0\.0\.1/);
    } finally {
      await kernel.stop('test done');
      removeDir(dataDir);
    }
    const summary = lines.find((l) => l.component === 'http' && l.msg === 'requests');
    expect(summary).toMatchObject({ count: 11, status: { '2xx': 10, '4xx': 1 } });
  });
});
