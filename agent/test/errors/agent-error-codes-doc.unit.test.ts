import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_ERROR_CODES, agentError, hasAgentErrorCode } from '../../src/errors/index.js';

describe('agent error codes', () => {
  it('docs/agent.md lists every code with its status, title and fix, and nothing else', async () => {
    const doc = await readFile(join(import.meta.dirname, '../../../docs/agent.md'), 'utf8');
    const rows = doc
      .split('\n')
      .filter((l) => l.startsWith('| `OMEGA_ERR_AGENT_'))
      .map((l) => l.split(/(?<!\\)\|/).map((c) => c.trim().replaceAll('\\|', '|')))
      .map(([, code, status, title, fix]) => [code!.replaceAll('`', ''), Number(status), title, fix]);
    const table = Object.entries(AGENT_ERROR_CODES).map(([code, s]) => [code, s.status, s.title, s.fix]);
    expect(rows).toEqual(table);
  });

  it('are checked by code and cross boundaries as plain data', () => {
    const err = agentError('OMEGA_ERR_AGENT_CONFIG', 'name (flag --name): too long', { field: 'name' });
    const wire = JSON.parse(JSON.stringify(err));
    expect(wire.code).toBe('OMEGA_ERR_AGENT_CONFIG');
    expect(hasAgentErrorCode(wire)).toBe(true);
    expect(hasAgentErrorCode({ code: 'OMEGA_ERR_NOT_FOUND' })).toBe(false);
    expect(hasAgentErrorCode(null)).toBe(false);
  });
});
