import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const MODULE = join(import.meta.dirname, '..', '..', 'kernel', 'sandbox', 'host', 'take-host-gc.ts');

/** Runs `script` in a fresh node with `flags` (and tsx, to import the module), answering its JSON line. */
function run(flags: string[], script: string): unknown {
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

const PROBE = `import { runInNewContext } from 'node:vm';
import { takeHostGc } from ${JSON.stringify(MODULE)};
const gc = takeHostGc();
let ran = false;
if (gc) { gc(); ran = true; }
console.log(JSON.stringify({ took: typeof gc, ran, global: typeof globalThis.gc, later: runInNewContext('typeof gc') }));`;

describe('takeHostGc', () => {
  it("takes the host's gc from its global and exposes none to contexts made afterwards", () => {
    expect(run(['--expose-gc'], PROBE)).toEqual({
      took: 'function',
      ran: true,
      global: 'undefined',
      later: 'undefined',
    });
  });

  it('answers undefined in a host started without --expose-gc', () => {
    expect(run([], PROBE)).toEqual({
      took: 'undefined',
      ran: false,
      global: 'undefined',
      later: 'undefined',
    });
  });
});
