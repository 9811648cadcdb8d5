import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startScriptFlags } from '../../bench/servers/start-script-flags.js';

describe('startScriptFlags (a bench kernel starts as npm start starts it)', () => {
  it("reads this checkout's kernel flags from its start script", () => {
    expect(startScriptFlags(join(import.meta.dirname, '..', '..'))).toEqual(['--min-semi-space-size=4']);
  });

  it('reads another checkout’s own, none when its script has none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-start-flags-'));
    try {
      const write = (start: string) =>
        writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { start } }));
      write('tsup --silent && node dist/cli.js start');
      expect(startScriptFlags(dir)).toEqual([]);
      write('tsup --silent && node --a=1 --b dist/cli.js start');
      expect(startScriptFlags(dir)).toEqual(['--a=1', '--b']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
