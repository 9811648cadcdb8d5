import { describe, expect, it } from 'vitest';
import { hasExecErrorCode } from '../../src/exec/errors/index.js';
import { MAX_ARGV_ENV_BYTES, parseSessionSpec } from '../../src/exec/spec/session-spec.js';

const codeOf = (input: unknown): string | null => {
  try {
    parseSessionSpec(input);
    return null;
  } catch (err) {
    return hasExecErrorCode(err) ? err.code : 'not coded';
  }
};

const errorsOf = (input: unknown): string[] => {
  try {
    parseSessionSpec(input);
    return [];
  } catch (err) {
    return ((err as { extras: { errors?: string[] } }).extras.errors ?? []) as string[];
  }
};

describe('session spec validation', () => {
  it('accepts a command or a script and fills in defaults', () => {
    const s = parseSessionSpec({ id: 'job-1', command: '/bin/true' });
    expect(s).toMatchObject({
      args: [],
      env: {},
      shell: '/bin/sh',
      killGraceMs: 10_000,
      enforcement: 'required',
      resources: {},
    });
    expect(parseSessionSpec({ id: 'j', script: 'echo hi', user: 'alice' }).user).toBe('alice');
  });

  // [what, input, code]
  const cases: [string, unknown, string | null][] = [
    ['not an object', 'rm -rf /', 'OMEGA_ERR_EXEC_INVALID'],
    ['no id', { command: 'x' }, 'OMEGA_ERR_EXEC_INVALID'],
    ['id with a slash', { id: '../etc', command: 'x' }, 'OMEGA_ERR_EXEC_INVALID'],
    ['id too long', { id: 'a'.repeat(65), command: 'x' }, 'OMEGA_ERR_EXEC_INVALID'],
    ['neither command nor script', { id: 'a' }, 'OMEGA_ERR_EXEC_INVALID'],
    ['both command and script', { id: 'a', command: 'x', script: 'y' }, 'OMEGA_ERR_EXEC_INVALID'],
    ['args with a script', { id: 'a', script: 'y', args: ['z'] }, 'OMEGA_ERR_EXEC_INVALID'],
    ['NUL in an argument', { id: 'a', command: 'x', args: ['a\0b'] }, 'OMEGA_ERR_EXEC_INVALID'],
    ['NUL in an env value', { id: 'a', command: 'x', env: { A: '\0' } }, 'OMEGA_ERR_EXEC_INVALID'],
    ['bad env name', { id: 'a', command: 'x', env: { 'A=B': 'c' } }, 'OMEGA_ERR_EXEC_INVALID'],
    ['relative cwd', { id: 'a', command: 'x', cwd: 'tmp' }, 'OMEGA_ERR_EXEC_INVALID'],
    ['cwd with ..', { id: 'a', command: 'x', cwd: '/tmp/../etc' }, 'OMEGA_ERR_EXEC_INVALID'],
    ['unknown field', { id: 'a', command: 'x', privileged: true }, 'OMEGA_ERR_EXEC_INVALID'],
    ['unknown resource', { id: 'a', command: 'x', resources: { gpus: 1 } }, 'OMEGA_ERR_EXEC_INVALID'],
    ['negative memory', { id: 'a', command: 'x', resources: { memoryBytes: -1 } }, 'OMEGA_ERR_EXEC_INVALID'],
    ['tiny memory', { id: 'a', command: 'x', resources: { memoryBytes: 1024 } }, 'OMEGA_ERR_EXEC_INVALID'],
    [
      'fractional millicores',
      { id: 'a', command: 'x', resources: { millicores: 1.5 } },
      'OMEGA_ERR_EXEC_INVALID',
    ],
    ['mems without cpus', { id: 'a', command: 'x', resources: { mems: [0] } }, 'OMEGA_ERR_EXEC_INVALID'],
    [
      'quota with a cwd',
      { id: 'a', command: 'x', cwd: '/tmp', resources: { diskBytes: 1 << 30 } },
      'OMEGA_ERR_EXEC_INVALID',
    ],
    ['bad user name', { id: 'a', command: 'x', user: 'root;reboot' }, 'OMEGA_ERR_EXEC_INVALID'],
    ['zero time limit', { id: 'a', command: 'x', timeLimitSec: 0 }, 'OMEGA_ERR_EXEC_INVALID'],
    [
      'too many args',
      { id: 'a', command: 'x', args: Array.from({ length: 4001 }, () => 'a') },
      'OMEGA_ERR_EXEC_ARGS_TOO_LONG',
    ],
    [
      'argv past the bound',
      { id: 'a', command: 'x', args: ['a'.repeat(MAX_ARGV_ENV_BYTES)] },
      'OMEGA_ERR_EXEC_ARGS_TOO_LONG',
    ],
    [
      'env past the bound',
      {
        id: 'a',
        command: 'x',
        env: { A: 'a'.repeat(MAX_ARGV_ENV_BYTES / 2), B: 'b'.repeat(MAX_ARGV_ENV_BYTES / 2) },
      },
      'OMEGA_ERR_EXEC_ARGS_TOO_LONG',
    ],
    [
      'a fine spec',
      { id: 'a.b_c-1', command: 'x', resources: { cpus: [0, 1], mems: [0], memoryBytes: 1 << 30 } },
      null,
    ],
  ];
  it.each(cases)('%s', (_what, input, code) => {
    expect(codeOf(input)).toBe(code);
  });

  it('names each bad field', () => {
    const errors = errorsOf({ id: '', command: 'x', resources: { memoryBytes: 'lots', pidsMax: 0 } });
    expect(errors.some((e) => e.startsWith('id:'))).toBe(true);
    expect(errors.some((e) => e.startsWith('resources.memoryBytes:'))).toBe(true);
    expect(errors.some((e) => e.startsWith('resources.pidsMax:'))).toBe(true);
  });
});
