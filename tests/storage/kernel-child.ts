/**
 * A real kernel in a child process, for tests that kill it:
 * `node --import tsx tests/storage/kernel-child.ts <dataDir> [<config JSON>]`.
 * Prints `ready <url> <pid>` once serving; stops gracefully on SIGTERM (exit 0). A start-up
 * failure prints `error <code> <message>` on stderr and exits 1. No bundled plugins.
 */
import { parseConfig } from '../../kernel/config/index.js';
import { startKernel } from '../../kernel/kernel.js';
import { createLogger } from '../../kernel/log/index.js';
import { TEST_ADMIN_TOKEN } from '../helpers/temp-kernel.js';

const [dataDir, extra] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: kernel-child.ts <dataDir> [<config JSON>]');
const config = parseConfig({
  port: 0,
  log: { level: 'silent' },
  auth: { adminToken: TEST_ADMIN_TOKEN },
  plugins: { dirs: [], warmHosts: 0 },
  ...(extra ? JSON.parse(extra) : {}),
  dataDir,
});
try {
  const kernel = await startKernel(config, { logger: createLogger({ level: 'silent' }) });
  process.on('SIGTERM', () => {
    kernel.stop('SIGTERM').then(
      () => process.exit(0),
      () => process.exit(2),
    );
  });
  process.stdout.write(`ready ${kernel.url} ${process.pid}\n`);
} catch (err) {
  const e = err as { code?: string; message?: string };
  process.stderr.write(`error ${e.code ?? 'unknown'} ${e.message ?? String(err)}\n`);
  process.exit(1);
}
