import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');
const AGENT = join(import.meta.dirname, '..', '..', 'agent', 'src', 'main.ts');
const run = (args: string[], program = CLI) =>
  spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', program, ...args], {
    encoding: 'utf8',
  });
/** `  --flag <value>` then at least two spaces before the description, never `<value>Port …`. */
const APART = /^ {2}--[a-z0-9-]+( <value>)? {2,}\S/;

const SUBCOMMANDS = [
  'start',
  'status',
  'login',
  'logout',
  'context',
  'plugin',
  'marketplace',
  'security',
  'nodes',
  'sessions',
  'alerts',
  'agent',
];

describe('omega <command> --help, as a newcomer reads it', () => {
  it.each(SUBCOMMANDS)('%s: every flag is apart from its description', (name) => {
    const r = run([name, '--help']);
    expect(r.status).toBe(0);
    const options = r.stdout.split('\n').filter((l) => l.startsWith('  --'));
    expect(options.length).toBeGreaterThan(0);
    for (const line of options) expect(line, line).toMatch(APART);
  });

  it("omega-agent: every flag is apart from its description (its own help, not omega agent's)", () => {
    // newcomer walk: `--sessions-cgroup-parent <value>Cgroup directory…` (a fixed 30-column pad)
    const r = run(['--help'], AGENT);
    expect(r.status).toBe(0);
    const options = r.stdout.split('\n').filter((l) => l.startsWith('  --'));
    expect(options.length).toBeGreaterThan(10);
    for (const line of options) expect(line, line).toMatch(APART);
  });

  it('agent: a repeatable flag is described once, as omega agent takes it (repeated, or a comma list)', () => {
    const line = run(['agent', '--help'])
      .stdout.split('\n')
      .find((l) => l.includes('--discovery-interface'));
    expect(line).toContain('(repeat, or a comma list)');
    expect(line?.match(/repeat/g)).toHaveLength(1);
  });
});
