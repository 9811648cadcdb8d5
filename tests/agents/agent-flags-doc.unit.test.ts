import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_OPTIONS } from '../../agent/src/cli/agent-options.js';

/*
 * Found from outside: `omega agent --help` lists --probe-port, the --sessions-* flags (a second
 * agent on one machine needs its own cgroup parent) and the --slurm-* flags, and docs/agent.md's
 * table of flags named none of them. Every flag the agent takes (but --version and --help) has
 * a row there with its environment variable.
 */
describe('docs/agent.md, flags', () => {
  it('has a row for every flag of omega agent --help, with its variable', async () => {
    const doc = await readFile(join(import.meta.dirname, '../../docs/agent.md'), 'utf8');
    const rows = doc.split('\n').filter((l) => l.startsWith('| `--'));
    const missing: string[] = [];
    for (const [flag, o] of Object.entries(AGENT_OPTIONS)) {
      if (flag === 'version' || flag === 'help') continue;
      const row = rows.find((r) => r.startsWith(`| \`--${flag}\``) || r.startsWith(`| \`--${flag} `));
      if (!row || (o.env && !row.includes(`\`${o.env}\``))) missing.push(`--${flag} [${o.env ?? ''}]`);
    }
    expect(missing).toEqual([]);
  });
});
