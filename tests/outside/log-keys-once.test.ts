import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { parseConfig } from '../../kernel/config/index.js';
import { startKernel } from '../../kernel/kernel.js';
import { createLogger } from '../../kernel/log/index.js';
import { removeDir } from '../helpers/temp-kernel.js';

/** The top-level keys of one JSON object line, in order, duplicates kept (JSON.parse keeps only the last). */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') {
      let j = i + 1;
      while (line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      if (depth === 1 && line[j + 1] === ':') keys.push(JSON.parse(line.slice(i, j + 1)) as string);
      i = j;
    } else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
  }
  return keys;
}

it('every structured line of a kernel that starts its plugins names each key once', async () => {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n')) if (l) lines.push(l);
        cb();
      },
    }) as never,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'omega-log-keys-'));
  const kernel = await startKernel(
    parseConfig({ port: 0, dataDir, auth: { adminToken: 'log-keys-admin-token-0123456789' } }),
    { logger },
  );
  try {
    expect((await fetch(`${kernel.url}/api/v1/health`)).status).toBe(200);
  } finally {
    await kernel.stop('test done');
    removeDir(dataDir);
  }
  expect(lines.some((l) => JSON.parse(l).component === 'sandbox')).toBe(true);
  const repeated = lines
    .map((l) => ({ l, keys: topLevelKeys(l) }))
    .filter(({ keys }) => new Set(keys).size !== keys.length)
    .map(({ l }) => l);
  expect(repeated).toEqual([]);
});
