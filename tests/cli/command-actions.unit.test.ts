import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/command-list.js';
import { alertsCommand } from '../../cli/commands/alerts.js';
import { nodesCommand } from '../../cli/commands/nodes.js';
import { pluginCommand } from '../../cli/commands/plugin.js';
import { sessionsCommand } from '../../cli/commands/sessions.js';
import { flagErrorText } from '../../cli/flag-error-text.js';

/*
 * A command declares its actions (Command.actions, takesCommand); the error texts name them.
 * They used to be read back out of the usage text by regex, which named `omega alerts active`
 * (a --state value) and stopped at `omega nodes token` for `nodes token list`. The usage stays
 * the text for humans: these tests keep the two from drifting apart.
 */

const OPEN = '<([{';
const CLOSE = '>)]}';

/** `text` split at each `|` outside brackets. */
function alternatives(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (const [i, c] of [...text].entries()) {
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c)) depth--;
    else if (c === '|' && depth === 0) {
      out.push(text.slice(from, i));
      from = i + 1;
    }
  }
  expect(depth, `brackets of ${text}`).toBe(0);
  out.push(text.slice(from));
  return out;
}

/** The inside of the bracket group `text` opens with. */
function group(text: string): string {
  let depth = 0;
  for (const [i, c] of [...text].entries()) {
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c) && --depth === 0) return text.slice(1, i);
  }
  throw new Error(`unclosed: ${text}`);
}

/**
 * The actions a usage names, each with the text of its alternative: the lowercase word that
 * starts one (`list`, `[list]`), with a second lowercase word (`token create`) or a group of its
 * own (`quota <list|me|…>`) under it.
 */
function usageActions(text: string, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  const add = (action: string, alt: string) => found.set(action, `${found.get(action) ?? ''}|${alt}`);
  const body = text.trimStart().startsWith('<') ? group(text.trimStart()) : text;
  for (const alt of alternatives(body)) {
    const first = /^\s*\[?([a-z][a-z-]*)\]?(?=\s|$)/.exec(alt);
    if (!first) continue;
    const action = `${prefix}${first[1]}`;
    const rest = alt.slice(first[0].length);
    add(action, alt);
    if (rest.trimStart().startsWith('<'))
      for (const [sub, subAlt] of usageActions(rest, `${action} `)) add(sub, subAlt);
    else {
      const second = /^\s+([a-z][a-z-]*)(?=\s|$)/.exec(rest);
      if (second) add(`${action} ${second[1]}`, alt);
    }
  }
  return found;
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe.each(COMMANDS.map((c) => [c.name, c] as const))('omega %s declares its actions', (name, cmd) => {
  const prefix = `omega ${name}`;
  const named = usageActions(cmd.usage.startsWith(prefix) ? cmd.usage.slice(prefix.length) : '');

  it('as its usage names them, no more and no fewer', () => {
    expect(cmd.usage.startsWith(`${prefix} `), cmd.usage).toBe(true);
    expect(sorted(cmd.actions ?? [])).toEqual(sorted(named.keys()));
    expect(new Set(cmd.actions).size, 'declared twice').toBe(cmd.actions?.length ?? 0);
    // a nested action is declared under its parent
    for (const a of cmd.actions ?? [])
      if (a.includes(' ')) expect(cmd.actions, a).toContain(a.slice(0, a.lastIndexOf(' ')));
  });

  it('marks the actions whose usage takes -- CMD, and only those', () => {
    const withCommand = sorted([...named].filter(([, text]) => text.includes('-- CMD')).map(([a]) => a));
    // a parent's text holds its nested actions' (`quota <…>`): the deepest one is meant
    const deepest = withCommand.filter((a) => !withCommand.some((b) => b.startsWith(`${a} `)));
    expect(sorted(cmd.takesCommand ?? [])).toEqual(deepest);
  });

  it("names only declared actions in its flags' for:", () => {
    for (const [flag, o] of Object.entries(cmd.options))
      for (const a of o.for ?? []) expect(cmd.actions, `--${flag} for ${a}`).toContain(a);
  });

  it.runIf(cmd.actions?.length)('names each action in an unknown flag error', () => {
    for (const a of cmd.actions ?? [])
      expect(flagErrorText(cmd, [...a.split(' '), '--bogus-flag'])).toBe(
        `unknown flag --bogus-flag for ${prefix} ${a}; run ${prefix} ${a} --help`,
      );
  });
});

describe('an unknown flag error, from the declared actions', () => {
  it('names a nested action whole (it stopped at the parent where no flag went that deep)', () => {
    expect(flagErrorText(nodesCommand, ['token', 'list', '--bogus'])).toBe(
      'unknown flag --bogus for omega nodes token list; run omega nodes token list --help',
    );
    expect(flagErrorText(pluginCommand, ['source', 'add', 'n', 'https://x', '--bogus'])).toBe(
      'unknown flag --bogus for omega plugin source add; run omega plugin source add --help',
    );
    expect(flagErrorText(sessionsCommand, ['quota', 'me', '--bogus'])).toBe(
      'unknown flag --bogus for omega sessions quota me; run omega sessions quota me --help',
    );
  });

  it('does not take a word the usage holds elsewhere for an action (a flag value, an argument)', () => {
    expect(flagErrorText(alertsCommand, ['active', '--bogus'])).toBe(
      'unknown flag --bogus for omega alerts; run omega alerts --help',
    );
    expect(flagErrorText(sessionsCommand, ['user', '-x'])).toBe(
      'unknown flag -x for omega sessions; run omega sessions --help',
    );
    expect(flagErrorText(nodesCommand, ['show', 'list', '-x'])).toBe(
      'unknown flag -x for omega nodes show; run omega nodes show --help',
    );
  });

  it('points to -- CMD for an action that takes a command, after its arguments too', () => {
    expect(flagErrorText(sessionsCommand, ['run', 'ls', '-l'])).toBe(
      'unknown flag -l for omega sessions run; run omega sessions run --help; put the command after --, as in -- CMD -l',
    );
    expect(flagErrorText(sessionsCommand, ['quota', 'set', '-l'])).not.toMatch(/-- CMD/);
  });
});
