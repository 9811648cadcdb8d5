import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../cli/command.js';
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

  it('ignores a context whose name an older CLI allowed, warns once, and writes it back as it was', async () => {
    const file = join(tempDirForTest('omega-cli-config-'), 'config.json');
    const old = { url: 'http://[::1]:7700', auth: { kind: 'token', token: 'omg_old' } };
    const lab = { url: 'https://lab.example:7700' };
    writeFileSync(
      file,
      JSON.stringify({ version: 1, current: '[::1]:7700', contexts: { '[::1]:7700': old, lab } }),
    );
    const said: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      said.push(String(chunk));
      return true;
    });
    let read: ReturnType<typeof readCliConfig>;
    try {
      read = readCliConfig(file); // threw "… is not an omega CLI config" for the whole file
      readCliConfig(file);
    } finally {
      spy.mockRestore();
    }
    expect(Object.keys(read.contexts)).toEqual(['lab']);
    expect(read.current).toBeUndefined(); // an ignored current context counts as none
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^omega: warning: ignoring context "\[::1\]:7700" in .*config\.json: .*\n$/);
    expect(said[0]).toContain(
      'omega login --url http://[::1]:7700 --context NAME, then omega logout --context "[::1]:7700" and omega context delete "[::1]:7700"',
    );
    expect(said[0]!.trimEnd().split('\n')).toHaveLength(1);

    read.contexts.lab!.auth = { kind: 'token', token: 'omg_new' };
    await writeCliConfig(read, file);
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written.contexts['[::1]:7700']).toEqual(old);
    expect(written.contexts.lab.auth.token).toBe('omg_new');
    expect(written.current).toBe('[::1]:7700');
  });

  it('names an ignored context whole, however long: the user types it back to log out and delete it', () => {
    const file = join(tempDirForTest('omega-cli-config-'), 'config.json');
    const name = `${'a'.repeat(100)}/end`; // it was cut to 80 characters, with no mark
    writeFileSync(
      file,
      JSON.stringify({ version: 1, contexts: { [name]: { url: 'https://prod.example:7700' } } }),
    );
    const said: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      said.push(String(chunk));
      return true;
    });
    try {
      readCliConfig(file);
    } finally {
      spy.mockRestore();
    }
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(`ignoring context "${name}" in`);
    expect(said[0]).toContain(`omega context delete "${name}"\n`);
  });

  it('a config path that is a directory is one line naming it and the errno in words (readUserFile’s wording), not a usage error', () => {
    const dir = tempDirForTest('omega-cli-config-');
    let err: unknown;
    try {
      readCliConfig(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(UsageError); // exit 1: the command line was fine
    expect((err as Error).message).toBe(
      `cannot read ${dir} (a directory, not a file, EISDIR); give a readable file as $OMEGA_CONFIG (the CLI config)`,
    );
  });
});
