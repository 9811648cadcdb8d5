import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuildCurrent, buildPlugin } from '../sdk/src/build/index.js';
import { initPlugin } from '../sdk/src/scaffold/index.js';
import { readPluginFiles } from '../sdk/src/sign/index.js';
import { percentile, report } from './report.js';

/**
 * What the sdk's safety checks cost an author, on the scaffolded plugin and on the security
 * plugin (the largest core plugin), each beside what the command did without the check:
 * - `build` with the type check vs `build --no-typecheck` (both with dist/ already current);
 * - pack's stale-dist check (rebuild in memory, compare) vs reading dist/ and verifying its
 *   integrity (what pack did before).
 * The scaffold type-checks against the sdk's sources (`source` condition), as in the repository.
 */
const ROOT = join(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm: module loads, first esbuild service start
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return percentile(ms, 50);
}

const work = mkdtempSync(join(tmpdir(), 'omega-build-bench-'));
try {
  await initPlugin(work, 'hello');
  const hello = join(work, 'hello');
  mkdirSync(join(hello, 'node_modules', '@omega'), { recursive: true });
  symlinkSync(join(ROOT, 'sdk'), join(hello, 'node_modules', '@omega', 'sdk'), 'dir');
  const tsconfig = JSON.parse(readFileSync(join(hello, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: Record<string, unknown>;
  };
  Object.assign(tsconfig.compilerOptions, {
    customConditions: ['source'],
    typeRoots: [join(ROOT, 'node_modules', '@types')],
  });
  writeFileSync(join(hello, 'tsconfig.json'), JSON.stringify({ ...tsconfig, include: ['src'] }));
  const security = join(ROOT, 'plugins', 'security');

  await buildPlugin(hello, { typecheck: false });
  await buildPlugin(security, { typecheck: false });
  const bare = await median(() => buildPlugin(hello, { typecheck: false }));
  report({
    name: 'build with type check (scaffold, dist/ current)',
    value: await median(() => buildPlugin(hello)),
    unit: 'ms',
    baseline: { name: 'build --no-typecheck', value: bare },
  });
  for (const [label, dir] of [
    ['scaffold', hello],
    ['security', security],
  ] as const) {
    report({
      name: `pack's stale-dist check (${label})`,
      value: await median(() => assertBuildCurrent(dir)),
      unit: 'ms',
      baseline: { name: 'read dist/ + verify integrity', value: await median(() => readPluginFiles(dir)) },
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
