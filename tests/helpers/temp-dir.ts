import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

const remove = (dir: string) => rmSync(dir, { recursive: true, force: true });

/**
 * A fresh temp directory (`<tmpdir>/<prefix>XXXXXX`), removed when the running test finishes,
 * passed or failed. Call it inside a test. It hooks the test, not the file, so it also cleans up
 * in the unit project, whose files share one module graph: there a helper's module-level
 * afterEach/afterAll is registered for the first file that imports it only.
 */
export function tempDirForTest(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => remove(dir));
  return dir;
}

/**
 * A fresh temp directory removed when the test file (or the describe block) ends. Call it while
 * the file is collected: at its top level or in a describe body, not in a test or a hook.
 */
export function tempDirForFile(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => remove(dir));
  return dir;
}
