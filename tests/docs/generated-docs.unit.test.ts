import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_DOCS } from '../../scripts/generated-docs.js';

const root = join(import.meta.dirname, '..', '..');

describe('generated docs', () => {
  for (const [path, render] of Object.entries(GENERATED_DOCS)) {
    it(`${path} is in step with its generator (run \`npm run gen\` if this fails)`, () => {
      expect(readFileSync(join(root, path), 'utf8')).toBe(render());
    });
  }
});
