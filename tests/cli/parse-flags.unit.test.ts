import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/command.js';
import { alertsCommand } from '../../cli/commands/alerts.js';
import { marketplaceCommand } from '../../cli/commands/marketplace.js';
import { nodesCommand } from '../../cli/commands/nodes.js';
import { pluginCommand } from '../../cli/commands/plugin.js';
import { sessionsCommand, specFromFlags } from '../../cli/commands/sessions.js';
import { parseFlags } from '../../cli/parse-flags.js';

/*
 * Flags given more than once (newcomer walk): `--env A=1 --env B=2` ran with B alone and
 * `--node-selector rack=a --node-selector gpu` stored "gpu", each with exit 0; an env value could
 * hold no comma at all.
 */
const run = (...args: string[]) => {
  const { values, positionals } = parseFlags(sessionsCommand, ['run', ...args]);
  const dash = positionals.indexOf('--');
  return specFromFlags(values, positionals.slice(dash >= 0 ? dash + 1 : 1));
};

describe('omega sessions run flags', () => {
  it('joins a list flag given flag by flag, and reads a comma inside an env value', () => {
    expect(run('--env', 'A=1', '--env', 'B=2', '--', 'true').env).toEqual({ A: '1', B: '2' });
    expect(run('--env', 'A=1,B=2', '--env', 'C=3', '--', 'true').env).toEqual({ A: '1', B: '2', C: '3' });
    expect(run('--env', 'LIST=a,b,c', '--env', 'B=2', '--', 'true').env).toEqual({ LIST: 'a,b,c', B: '2' });
    expect(run('--env', 'Q=x\\,y=z', '--', 'true').env).toEqual({ Q: 'x,y=z' });
    // each --env starts a pair of its own: a second one without NAME= is refused, not glued on
    expect(() => run('--env', 'A=1', '--env', 'HOME', '--', 'true')).toThrow(/got "HOME"/);
    expect(run('--env', 'P=C:\\', '--env', 'B=1', '--', 'true').env).toEqual({ P: 'C:\\', B: '1' });
    expect(run('--node-selector', 'rack=a', '--node-selector', 'gpu', '--', 'true').nodeSelector).toBe(
      'rack=a,gpu',
    );
  });

  it('refuses any other string flag given twice, naming it (it took the last one silently)', () => {
    expect(() => run('--name', 'a', '--name', 'b', '--', 'true')).toThrow(UsageError);
    expect(() => run('--memory', '1G', '--memory=2G', '--', 'true')).toThrow(
      /--memory was given more than once/,
    );
    expect(run('--name', 'a', '--', 'true').name).toBe('a');
  });
  it('refuses a string flag given an empty value, naming it (--grace= read as "not given")', () => {
    for (const flag of ['--memory=', '--time-limit=', '--name=', '--cwd=', '--env='])
      expect(() => run(flag, '--', 'true'), flag).toThrow(
        `${flag.slice(0, -1)} needs a value (it was given empty); leave the flag out for the default`,
      );
    expect(() => parseFlags(sessionsCommand, ['kill', 's-1', '--grace', ''])).toThrow(
      /--grace needs a value/,
    );
    // …unless an empty value means something: --token '' sends no credential.
    const withToken = {
      ...nodesCommand,
      options: {
        ...nodesCommand.options,
        token: { type: 'string' as const, allowEmpty: true as const, description: '' },
      },
    };
    expect(parseFlags(withToken, ['list', '--token', '']).values.token).toBe('');
    // --cores in plain decimals: 1e3 (a thousand cores, pending for ever) and 0x2 are refused.
    for (const cores of ['1e3', '0x2', '+1', 'Infinity'])
      expect(() => run('--cores', cores, '--', 'true'), cores).toThrow(`(got "${cores}")`);
    expect(run('--cores', '0.5', '--', 'true').resources).toEqual({ millicores: 500 });
  });
  it('refuses a flag of another action, naming the actions that take it (it was ignored: nodes remove --deadline removed at once)', () => {
    const refused: Array<[typeof nodesCommand, string[], string]> = [
      [
        nodesCommand,
        ['remove', 'n2', '--deadline', '6h'],
        '--deadline does not apply to nodes remove (it is for: cordon, drain)',
      ],
      [
        nodesCommand,
        ['show', 'vm', '--ttl', '1h'],
        '--ttl does not apply to nodes show (it is for: token create)',
      ],
      [
        nodesCommand,
        ['token', 'list', '--uses', '2'],
        '--uses does not apply to nodes token list (it is for: token create)',
      ],
      [
        sessionsCommand,
        ['kill', 's-1', '--memory', '1G'],
        '--memory does not apply to sessions kill (it is for: run, quota set)',
      ],
      [sessionsCommand, ['list', '--offset=1'], '--offset does not apply to sessions list (it is for: logs)'],
      [
        sessionsCommand,
        ['quota', 'rm', 'user', 'u-1', '--cores', '1'],
        '--cores does not apply to sessions quota rm (it is for: run, quota set)',
      ],
    ];
    // (helper review: the plugin, alerts and marketplace flags named no action, so any took them)
    refused.push(
      [
        pluginCommand,
        ['list', '--yes'],
        '--yes does not apply to plugin list (it is for: install, upgrade, rollback)',
      ],
      [pluginCommand, ['remove', 'p', '--approve'], '--approve does not apply to plugin remove'],
      [pluginCommand, ['source', 'list', '--root', 'r.json'], '--root does not apply to plugin source list'],
      [alertsCommand, ['silences', '--reason', 'x'], '--reason does not apply to alerts silences'],
      [
        alertsCommand,
        ['ack', 'a-1', '--for', '2h'],
        '--for does not apply to alerts ack (it is for: silence)',
      ],
      [
        marketplaceCommand,
        ['serve', 'd', '--index-keys', 'i'],
        '--index-keys does not apply to marketplace serve',
      ],
      [marketplaceCommand, ['keygen', 'd', '--port', '1'], '--port does not apply to marketplace keygen'],
    );
    for (const [cmd, args, message] of refused)
      expect(() => parseFlags(cmd, args), args.join(' ')).toThrow(message);
    expect(parseFlags(pluginCommand, ['source', 'add', 'm', 'u', '--root', 'r']).values.root).toBe('r');
    // review: rollback asks for --yes when it cannot ask, and a file upgrade takes --trust (a rotated key)
    expect(parseFlags(pluginCommand, ['rollback', 'p', '--yes']).values.yes).toBe(true);
    expect(parseFlags(pluginCommand, ['upgrade', './p.omega-plugin', '--trust', 'k.jwk']).values.trust).toBe(
      'k.jwk',
    );
    expect(
      parseFlags(marketplaceCommand, ['yank', 'd', 'p@1', '--timestamp-keys', 't']).values,
    ).toMatchObject({ 'timestamp-keys': 't' });
    // The actions that take them still do.
    expect(
      parseFlags(nodesCommand, ['drain', 'n2', '--deadline', '6h', '--reason', 'r']).values.deadline,
    ).toBe('6h');
    expect(parseFlags(nodesCommand, ['token', 'create', '--ttl', '1h']).values.ttl).toBe('1h');
    expect(parseFlags(sessionsCommand, ['quota', 'set', 'user', 'u-1', '--cores', '1']).values.cores).toBe(
      '1',
    );
    expect(parseFlags(sessionsCommand, ['run', '-f', '--', 'true']).values.follow).toBe(true);
    expect(parseFlags(sessionsCommand, ['list', '--json']).values.json).toBe(true);
  });
});

/*
 * Newcomer walk: an unknown flag printed node:util's own text (`Unknown option '--bogus'. To
 * specify a positional argument starting with a '-' … as in '-- "--bogus"`, an unbalanced quote
 * and no pointer to help); `--cores -1` was "argument is ambiguous".
 */
describe('flags parseArgs refuses', () => {
  const refusal = (cmd: typeof nodesCommand, ...args: string[]) => {
    try {
      parseFlags(cmd, args);
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      return (err as Error).message;
    }
    throw new Error(`parsed: ${args.join(' ')}`);
  };

  it('names an unknown flag, the command and action it was given to, and their help', () => {
    expect(refusal(nodesCommand, 'list', '--bogus')).toBe(
      'unknown flag --bogus for omega nodes list; run omega nodes list --help',
    );
    expect(refusal(sessionsCommand, 'quota', 'set', 'user', 'u-1', '--bogus')).toMatch(
      /^unknown flag --bogus for omega sessions quota set; run omega sessions quota set --help$/,
    );
    // a word the usage does not name (a node's name) is not taken for an action
    expect(refusal(nodesCommand, 'vm1', '-x')).toBe(
      'unknown flag -x for omega nodes; run omega nodes --help',
    );
  });

  it('says a value that starts with a dash is not taken as one, and how to pass it', () => {
    expect(refusal(sessionsCommand, 'run', '--cores', '-1', '--', 'true')).toBe(
      '--cores needs a value; a negative number is not taken as one (write --cores=VALUE to pass it as is)',
    );
    expect(refusal(sessionsCommand, 'list', '--offset', '-5')).toMatch(
      /^--offset needs a value; a negative number/,
    );
    expect(refusal(sessionsCommand, 'run', '--name', '--json')).toMatch(
      /^--name needs a value, and the next word starts with - so it is read as a flag \(write --name=VALUE/,
    );
    expect(refusal(nodesCommand, 'cordon', 'vm', '--deadline')).toBe(
      '--deadline needs a value; run omega nodes cordon --help',
    );
    expect(refusal(nodesCommand, 'list', '--json=1')).toBe(
      '--json takes no value; run omega nodes list --help',
    );
  });

  it('never echoes a flag value: it may be a secret', () => {
    for (const args of [
      ['list', '--token', '-S3cr3tAdminTok'],
      ['list', '--json=S3cr3tAdminTok'],
      ['list', '--limit', '-9S3cr3tAdminTok'],
    ])
      expect(refusal(nodesCommand, ...args)).not.toMatch(/S3cr3t/);
  });

  it('takes a lone - as a value, and refuses the flag after it', () => {
    expect(refusal(sessionsCommand, 'kill', 's-1', '--reason', '-', '--bogus')).toBe(
      'unknown flag --bogus for omega sessions kill; run omega sessions kill --help',
    );
  });

  it('points an unknown short flag of sessions run to -- CMD, and only there', () => {
    expect(refusal(sessionsCommand, 'run', '-u', 'ls')).toBe(
      'unknown flag -u for omega sessions run; run omega sessions run --help; put the command after --, as in -- CMD -u',
    );
    expect(refusal(sessionsCommand, 'list', '-u')).toBe(
      'unknown flag -u for omega sessions list; run omega sessions list --help',
    );
  });
});
