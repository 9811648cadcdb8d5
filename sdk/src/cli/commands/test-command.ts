import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { buildPlugin } from '../../build/index.js';
import type { SdkCommand } from '../sdk-command.js';

/** The vitest CLI the sdk runs plugin tests with. */
function vitestBin(): string {
  const pkg = createRequire(import.meta.url).resolve('vitest/package.json');
  return join(dirname(pkg), 'vitest.mjs');
}

/** Runs vitest in `dir` on test/**; resolves its exit code. */
export function runPluginTests(dir: string, extra: string[] = []): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        vitestBin(),
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

/** `omega-plugin test [dir]`: build, then run the plugin's tests against a real kernel. */
export const testCommand: SdkCommand = {
  name: 'test',
  summary: "Build, then run the plugin's tests (test/*.test.ts) against a real in-process kernel.",
  usage: 'omega-plugin test [DIR]',
  options: {},
  async run(_values, positionals, cwd) {
    const dir = resolve(cwd, positionals[0] ?? '.');
    const b = await buildPlugin(dir);
    process.stdout.write(`built ${b.manifest.name}@${b.manifest.version} (${b.bytes} bytes)\n`);
    return runPluginTests(dir);
  },
};
