import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../kernel/config/index.js';
import { tempDirForFile } from '../helpers/temp-dir.js';

const dir = tempDirForFile('omega-config-');

describe('config', () => {
  it('has defaults that start a local kernel', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 7700, http: { bodyLimitBytes: 1048576 } });
    expect(c.dataDir).toBe(join(process.cwd(), 'data'));
  });

  it('layers file < env < flags', () => {
    const file = join(dir, 'omega.json');
    writeFileSync(file, JSON.stringify({ port: 1000, host: '0.0.0.0', log: { level: 'warn' } }));
    const c = loadConfig({
      file,
      env: { OMEGA_PORT: '2000', OMEGA_LOG_LEVEL: 'debug' },
      flags: { port: 3000 },
    });
    expect(c.port).toBe(3000);
    expect(c.host).toBe('0.0.0.0');
    expect(c.log.level).toBe('debug');
  });

  it('names the bad field', () => {
    expect(() => loadConfig({ flags: { port: 70000 } })).toThrow(/port:/);
    expect(() => loadConfig({ env: { OMEGA_PORT: 'eighty' } })).toThrow(/OMEGA_PORT/);
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ http: { bodyLimitBytes: -1 }, colour: 'red' }));
    try {
      loadConfig({ file });
      expect.unreachable();
    } catch (err) {
      expect((err as { code: string }).code).toBe('OMEGA_ERR_CONFIG_INVALID');
      expect((err as Error).message).toMatch(/http\.bodyLimitBytes/);
      expect((err as Error).message).toMatch(/colour/);
    }
  });

  it('explains an unreadable or non-JSON config file', () => {
    expect(() => loadConfig({ file: join(dir, 'missing.json') })).toThrow(/Cannot read config file/);
    const file = join(dir, 'notjson.json');
    writeFileSync(file, 'port = 1');
    expect(() => loadConfig({ file })).toThrow(/not a JSON object/);
  });
});
