import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseConfig } from '../../kernel/config/index.js';
import { startKernel } from '../../kernel/kernel.js';
import { createLogger } from '../../kernel/log/index.js';

/** A real kernel (access log on, written to /dev/null) for benchmarks; prints its URL and token. */
const dataDir = mkdtempSync(join(tmpdir(), 'omega-bench-'));
const token = 'bench-admin-token-0123456789abcdef';
const kernel = await startKernel(parseConfig({ port: 0, dataDir, auth: { adminToken: token } }), {
  logger: createLogger({ level: 'info', destination: pino.destination({ dest: '/dev/null', sync: false }) }),
});
process.stdout.write(`${JSON.stringify({ url: kernel.url, token })}\n`);
process.on('SIGTERM', () => {
  kernel.stop('bench done').then(() => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
