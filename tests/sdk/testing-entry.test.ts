import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/temp-kernel.js';

const ENTRY = join(import.meta.dirname, '..', '..', 'sdk', 'dist', 'testing', 'index.js');

describe('@omega/sdk/testing without an installed kernel', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'omega-no-kernel-'));
  afterAll(() => removeDir(cwd));

  it('fails with one coded line naming the package to install', () => {
    // The built sdk (as published), run by plain Node from a folder with no omega package: in
    // the repository the root package "omega" is not in node_modules, so neither the sdk's
    // resolution nor the project's (cwd) finds omega/testing.
    const script = `import(${JSON.stringify(pathToFileURL(ENTRY).href)})
      .then((m) => m.startTestKernel({ plugin: '.' }))
      .then(() => process.exit(0), (e) => { console.error(e.code + ' ' + e.message); process.exit(3); });`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(3);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^OMEGA_ERR_NOT_FOUND .*npm install --save-dev omega@file:/);
  });
});
