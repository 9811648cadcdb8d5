import { describe, expect, it } from 'vitest';
import { createIdempotency } from '../../kernel/http/idempotency.js';

/*
 * Which 5xx keeps an Idempotency-Key: only the kernel's own OMEGA_ERR_OUTCOME_UNKNOWN, handed
 * over as an error code beside the response. A handler's (a plugin's) own 5xx body naming that
 * code must not keep the key — the retry runs again — and no body is parsed to find out.
 */

const problem = (code: string) =>
  new Response(JSON.stringify({ code, status: 500, title: 'x' }), {
    status: 500,
    headers: { 'content-type': 'application/problem+json' },
  });

describe('idempotency: an unknown outcome is recognised by its code, not its body', () => {
  it("keeps the kernel's OUTCOME_UNKNOWN: the retry replays it", async () => {
    const idem = createIdempotency();
    const first = await idem.begin('user:a', 'k1', 'fp');
    if (first.kind !== 'run') throw new Error('the first request must run');
    await first.complete(problem('OMEGA_ERR_OUTCOME_UNKNOWN'), 'OMEGA_ERR_OUTCOME_UNKNOWN');
    const retry = await idem.begin('user:a', 'k1', 'fp');
    expect(retry.kind).toBe('replay');
    if (retry.kind !== 'replay') return;
    expect(retry.response.status).toBe(500);
    expect(JSON.parse(retry.response.body!).code).toBe('OMEGA_ERR_OUTCOME_UNKNOWN');
  });

  it('releases the key when only the body claims OUTCOME_UNKNOWN (a handler cannot pin a key)', async () => {
    const idem = createIdempotency();
    const first = await idem.begin('user:a', 'k2', 'fp');
    if (first.kind !== 'run') throw new Error('the first request must run');
    await first.complete(problem('OMEGA_ERR_OUTCOME_UNKNOWN'));
    expect((await idem.begin('user:a', 'k2', 'fp')).kind).toBe('run');
  });

  it('releases the key on any other kernel 5xx code', async () => {
    const idem = createIdempotency();
    const first = await idem.begin('user:a', 'k3', 'fp');
    if (first.kind !== 'run') throw new Error('the first request must run');
    await first.complete(problem('OMEGA_ERR_PLUGIN_TIMEOUT'), 'OMEGA_ERR_PLUGIN_TIMEOUT');
    expect((await idem.begin('user:a', 'k3', 'fp')).kind).toBe('run');
  });

  it('keeps a 4xx answer whatever the code', async () => {
    const idem = createIdempotency();
    const first = await idem.begin('user:a', 'k4', 'fp');
    if (first.kind !== 'run') throw new Error('the first request must run');
    const res = new Response(JSON.stringify({ code: 'OMEGA_ERR_CONFLICT' }), {
      status: 409,
      headers: { 'content-type': 'application/problem+json' },
    });
    await first.complete(res, 'OMEGA_ERR_CONFLICT');
    expect((await idem.begin('user:a', 'k4', 'fp')).kind).toBe('replay');
  });
});
