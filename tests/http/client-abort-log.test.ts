import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { parseConfig } from '../../kernel/config/index.js';
import { startKernel } from '../../kernel/kernel.js';
import { createLogger } from '../../kernel/log/index.js';
import { removeDir } from '../helpers/temp-kernel.js';

type LogLine = Record<string, unknown> & { level: string; msg: string };
const ADMIN = 'abort-log-admin-token-0123456789';

it('a client that drops mid-body is a debug line (499, no stack), not a failed request', async () => {
  const lines: LogLine[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l) as LogLine);
        cb();
      },
    }) as never,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'omega-abort-log-'));
  const kernel = await startKernel(parseConfig({ port: 0, dataDir, auth: { adminToken: ADMIN } }), {
    logger,
  });
  try {
    const { port } = new URL(kernel.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /api/v1/events HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n' +
        `authorization: Bearer ${ADMIN}\r\ncontent-length: 200\r\n\r\n{"topic":"ops.`,
    );
    await sleep(100); // the kernel is reading the body now
    socket.resetAndDestroy();
    const at = (l: LogLine) => l.component === 'http' && l.path === '/api/v1/events';
    for (let i = 0; i < 200 && !lines.some(at); i++) await sleep(25);
    const mine = lines.filter(at);
    expect(mine.map((l) => [l.level, l.msg, l.status])).toEqual([
      ['debug', 'client closed the request', 499],
    ]);
    expect(mine[0]).not.toHaveProperty('err');
  } finally {
    await kernel.stop('test done');
    removeDir(dataDir);
  }
});
