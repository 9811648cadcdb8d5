import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { omegaError } from '@omega/protocol';
import { writeFileDurable } from '../../kernel/index.js';
import { isHttpSource } from './read-source.js';

/** A marketplace the operator added: a name, and an http(s) URL or a local directory (offline mirror). */
export interface SourceEntry {
  name: string;
  location: string;
}

const NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** The operator's marketplace sources, in priority order, kept in `<dataDir>/marketplace/sources.json`. */
export interface SourceRegistry {
  list(): Promise<SourceEntry[]>;
  add(entry: SourceEntry): Promise<void>;
  remove(name: string): Promise<void>;
  /** Directory of a source's trusted state. */
  stateDir(name: string): string;
}

/** Opens the registry under `dir` (`<dataDir>/marketplace`). */
export function sourceRegistry(dir: string): SourceRegistry {
  const file = join(dir, 'sources.json');
  const list = async (): Promise<SourceEntry[]> => {
    try {
      return (JSON.parse(await readFile(file, 'utf8')) as { sources: SourceEntry[] }).sources;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  };
  const save = async (sources: SourceEntry[]) => {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeFileDurable(file, `${JSON.stringify({ sources }, null, 2)}\n`);
  };
  return {
    list,
    stateDir: (name) => join(dir, 'sources', name),
    async add(entry) {
      if (!NAME.test(entry.name))
        throw omegaError('OMEGA_ERR_VALIDATION', `"${entry.name}" is not a source name (a-z, 0-9, -).`, {
          errors: [{ field: 'name', message: 'must match ^[a-z][a-z0-9-]{0,39}$' }],
        });
      const location = isHttpSource(entry.location) ? entry.location.replace(/\/+$/, '') : entry.location;
      const others = (await list()).filter((s) => s.name !== entry.name);
      await save([...others, { name: entry.name, location }]);
    },
    async remove(name) {
      await save((await list()).filter((s) => s.name !== name));
    },
  };
}
