import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_DOCS } from './generated-docs.js';

const root = join(import.meta.dirname, '..');
for (const [path, render] of Object.entries(GENERATED_DOCS)) {
  writeFileSync(join(root, path), render());
  console.log(`wrote ${path}`);
}
