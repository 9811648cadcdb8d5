import { cpSync, existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the built kernel lists the V8 flags every plugin host starts with (spawn-host.ts). */
const MARKER = 'HOST_NODE_FLAGS = Object.freeze([';

/**
 * A copy of `tree`'s built kernel (dist/) in `dir` whose plugin hosts start with `flags` after
 * their usual ones, for comparing host V8 flags on the metrics collector without editing
 * spawn-host.ts: dist/ is copied, the tree's other top-level entries linked (the kernel finds
 * its package.json, bundled plugins and node_modules above dist/), and the flag list in the
 * copied cli.js extended. Answers the copied cli.js (METRICS_BENCH_CLI of bench/metrics.bench.ts's kernel role).
 * Throws when the built kernel no longer holds the flag list as expected.
 */
export function kernelWithHostFlags(tree: string, flags: readonly string[], dir: string): string {
  for (const f of flags)
    if (!/^--[a-z0-9-]+(=[\w.-]+)?$/.test(f)) throw new Error(`not a V8 flag: ${JSON.stringify(f)}`);
  const cli = join(dir, 'dist', 'cli.js');
  cpSync(join(tree, 'dist'), join(dir, 'dist'), { recursive: true });
  for (const entry of readdirSync(tree))
    if (entry !== 'dist' && entry !== '.git' && !existsSync(join(dir, entry)))
      symlinkSync(join(tree, entry), join(dir, entry));
  const text = readFileSync(cli, 'utf8');
  const at = text.indexOf(MARKER);
  if (at < 0 || text.indexOf(MARKER, at + 1) >= 0)
    throw new Error(`${tree}/dist/cli.js does not hold one "${MARKER}": update bench/metrics-host-flags.ts`);
  const end = text.indexOf(']', at);
  const list = `${text
    .slice(at + MARKER.length, end)
    .trim()
    .replace(/,$/, '')}, ${flags.map((f) => JSON.stringify(f)).join(', ')}`;
  writeFileSync(cli, `${text.slice(0, at + MARKER.length)}${list}${text.slice(end)}`);
  return cli;
}
