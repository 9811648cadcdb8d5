import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../kernel/config/index.js';
import { tempDirForTest } from '../helpers/temp-dir.js';

describe('omega start --data-dir naming a file', () => {
  it('is refused by the config, naming dataDir, before anything is created', () => {
    const file = join(tempDirForTest('omega-outside-config-'), 'not-a-dir');
    writeFileSync(file, 'x');
    expect(() => loadConfig({ flags: { dataDir: file } })).toThrow(
      expect.objectContaining({
        code: 'OMEGA_ERR_CONFIG_INVALID',
        message: expect.stringMatching(/^dataDir: .* is a file/),
      }),
    );
    expect(loadConfig({ flags: { dataDir: join(file, '..', 'fresh') } }).dataDir).toMatch(/fresh$/);
    // Under that file (found by review: a bare ENOTDIR from statSync before).
    expect(() => loadConfig({ flags: { dataDir: join(file, 'x') } })).toThrow(
      expect.objectContaining({
        code: 'OMEGA_ERR_CONFIG_INVALID',
        message: expect.stringMatching(/^dataDir: .* lies under a file/),
      }),
    );
  });
});
