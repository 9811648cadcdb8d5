import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { marketplaceCommand } from '../../cli/commands/marketplace.js';

const flagValue = (text: string): string | undefined => /--sign-keys (\S+)/.exec(text)?.[1];

it('rotate-root --sign-keys is written the same (comma-separated, as the CLI splits it) in the help and the docs', () => {
  const docs = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'marketplace.md'), 'utf8');
  const help = flagValue(marketplaceCommand.usage);
  expect(help).toBe(flagValue(docs));
  expect(help).toMatch(/^[^+]+,[^+]+$/);
});
