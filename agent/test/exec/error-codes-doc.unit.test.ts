import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXEC_ERROR_CODES, ExecError, execError, hasExecErrorCode } from '../../src/exec/errors/index.js';

describe('executor error codes', () => {
  it('docs/agent-executor.md lists every code with its status and title, and nothing else', async () => {
    const doc = await readFile(join(import.meta.dirname, '../../../docs/agent-executor.md'), 'utf8');
    const rows = doc
      .split('\n')
      .filter((l) => l.startsWith('| `OMEGA_ERR_EXEC_'))
      .map((l) => l.split('|').map((c) => c.trim()))
      .map(([, code, status, title]) => [code!.replaceAll('`', ''), Number(status), title]);
    const table = Object.entries(EXEC_ERROR_CODES).map(([code, spec]) => [code, spec.status, spec.title]);
    expect(rows).toEqual(table);
  });

  it('are checked by code and cross boundaries as plain data', () => {
    const err = execError('OMEGA_ERR_EXEC_NOT_FOUND', 'No session "x".', { sessionId: 'x' });
    expect(err).toBeInstanceOf(ExecError);
    expect(err.status).toBe(404);
    const wire = JSON.parse(JSON.stringify(err));
    expect(wire).toEqual({
      code: 'OMEGA_ERR_EXEC_NOT_FOUND',
      message: 'No session "x".',
      extras: { sessionId: 'x' },
    });
    expect(hasExecErrorCode(wire, 'OMEGA_ERR_EXEC_NOT_FOUND')).toBe(true);
    expect(hasExecErrorCode({ code: 'OMEGA_ERR_NOT_FOUND' })).toBe(false);
    expect(hasExecErrorCode(null)).toBe(false);
  });
});
