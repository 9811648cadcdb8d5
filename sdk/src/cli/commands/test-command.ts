import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { omegaError } from '@omega/protocol';
import { buildPlugin } from '../../build/index.js';
import { dirCommand } from '../sdk-command.js';

/**
 * The vitest CLI to run the plugin's tests with: the plugin's own (its devDependency, the one its
 * test files import) first, else the sdk's.
 */
function vitestBin(dir: string): string {
  for (const from of [join(dir, 'package.json'), import.meta.url]) {
    try {
      return join(dirname(createRequire(from).resolve('vitest/package.json')), 'vitest.mjs');
    } catch {
      // not installed there
    }
  }
  throw omegaError(
    'OMEGA_ERR_NOT_FOUND',
    'vitest is not installed: npm install --save-dev vitest in the plugin folder.',
  );
}

/** Runs vitest in `dir` on test/**; resolves its exit code. */
export function runPluginTests(dir: string, extra: string[] = []): Promise<number> {
  const bin = vitestBin(dir);
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        bin,
        'run',
        '--root',
        dir,
        '--dir',
        'test',
        '--testTimeout',
        '60000',
        '--hookTimeout',
        '60000',
        ...extra,
      ],
      { cwd: dir, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } },
    );
    child.on('error', fail);
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

/** `omega-plugin test [dir]`: build (with the type check), then run the plugin's tests against a real kernel. */
export const testCommand = dirCommand({
  name: 'test',
  summary: "Build, then run the plugin's tests (test/*.test.ts) against a real kernel (omega/testing).",
  async run(dir) {
    const b = await buildPlugin(dir);
    process.stdout.write(`built ${b.manifest.name}@${b.manifest.version} (${b.bytes} bytes)\n`);
    return runPluginTests(dir);
  },
});
