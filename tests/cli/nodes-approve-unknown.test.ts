import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodesKernel, startNodesKernel } from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import { runOmega } from '../helpers/run-omega.js';

/*
 * Newcomer walk: `omega nodes approve nosuch` answered "name it by the id GET /pending lists":
 * the API route, where a CLI user runs `omega nodes pending`. The nodes plugin's refusal names
 * both (the CLI rewrote it by matching its text, at the wrong depth).
 */
describe('omega nodes approve|reject with an id that is no agent', () => {
  let k: NodesKernel;
  beforeAll(async () => {
    k = await startNodesKernel();
  });
  afterAll(async () => {
    await k?.close();
  });

  const omega = (...args: string[]) =>
    runOmega(['nodes', ...args], { OMEGA_URL: k.url, OMEGA_TOKEN: k.token });

  it('names omega nodes pending, in one line, exit 1', async () => {
    for (const args of [
      ['approve', 'nosuch'],
      ['reject', 'nosuch', '--reason', 'not ours'],
    ]) {
      const r = await omega(...args);
      expect(r.code, args[0]).toBe(1);
      expect(r.stderr, args[0]).toBe(
        'omega: No discovered agent "nosuch": give an agent id as the pending list shows it (omega nodes pending, or GET /api/v1/nodes/pending). [OMEGA_ERR_NOT_FOUND]\n',
      );
    }
  });
});
