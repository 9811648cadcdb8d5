import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextNameFor, readCliConfig, writeCliConfig } from '../../cli/config/cli-config.js';
import { tempDirForTest } from '../helpers/temp-dir.js';

describe('the CLI config', () => {
  it('names a context from an IPv6 URL without brackets (a name with them made the file unreadable)', () => {
    expect(contextNameFor('http://[::1]:7700')).toBe('::1:7700');
    expect(contextNameFor('https://omega.example')).toBe('omega.example:443');
  });

  it('is never written with a name it could not read back; what it writes reads back', async () => {
    const file = join(tempDirForTest('omega-cli-config-'), 'config.json');
    const url = 'http://127.0.0.1:7700';
    await expect(
      writeCliConfig({ version: 1, current: '[::1]:7700', contexts: { '[::1]:7700': { url } } }, file),
    ).rejects.toThrow(/not saving the CLI config/);
    expect(existsSync(file)).toBe(false);
    await writeCliConfig({ version: 1, current: '::1:7700', contexts: { '::1:7700': { url } } }, file);
    expect(JSON.parse(readFileSync(file, 'utf8')).current).toBe('::1:7700');
    const read = readCliConfig(file);
    expect(read.contexts['::1:7700']?.url).toBe(url);
    expect(read.contexts.toString).toBeUndefined(); // names users type never find Object's own
  });
});
