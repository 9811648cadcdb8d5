import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { API_SOURCES, generateApiSources } from './gen-api-sources.js';

// `npm run gen:api`: docs/openapi.json and cli/generated/openapi.ts from a live kernel.
const root = join(import.meta.dirname, '..');
const log = (line: string) => process.stderr.write(`gen:api: ${line}\n`);
try {
  const sources = await generateApiSources(log);
  for (const key of ['document', 'types'] as const) {
    const path = join(root, API_SOURCES[key]);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, sources[key]);
    log(`wrote ${API_SOURCES[key]} (${sources[key].length} bytes)`);
  }
} catch (err) {
  log(`failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
