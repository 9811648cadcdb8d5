import { mkdtemp, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import type { HostEntry } from '../kernel/sandbox/index.js';

const REPO = join(import.meta.dirname, '..');

/**
 * Bundles the plugin host with esbuild into a temp folder, as dist/plugin-host.cjs is (not
 * tsx from source), and answers its entry and the folder (the caller removes it). `plugins`
 * (esbuild's) may swap a source file for a variant of the host.
 */
export async function buildHost(plugins: Plugin[] = []): Promise<{ entry: HostEntry; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'omega-bench-host-'));
  await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  const file = join(dir, 'plugin-host.cjs');
  await build({
    entryPoints: [join(REPO, 'kernel/sandbox/host/main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['isolated-vm'],
    outfile: file,
    logLevel: 'silent',
    plugins,
  });
  return { entry: { execArgv: ['--no-node-snapshot'], file }, dir };
}
