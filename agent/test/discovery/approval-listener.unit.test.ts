import { describe, expect, it } from 'vitest';
import { startApprovalListener } from '../../src/discovery/approval-listener.js';

const quiet = { info() {}, warn() {} };
const TOKEN = `omg-join.abcdefghijkl.${'s'.repeat(43)}`;

describe('the approval listener of a discovered agent (hostile input)', () => {
  it('validates, accepts one invitation from the kernel it names, then refuses more until reopened', async () => {
    const l = await startApprovalListener({
      addresses: ['127.0.0.1'],
      port: 0,
      self: { name: 'n1', fingerprint: 'fp' },
      log: quiet,
    });
    const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      fetch(`http://127.0.0.1:${l.port}/omega/invite`, {
        method: 'POST',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    try {
      const bad = await post({ server: 'ftp://x', token: 'short' });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toBe('application/problem+json');
      const problem = (await bad.json()) as { code: string; errors: Array<{ field: string }> };
      expect(problem.code).toBe('OMEGA_ERR_AGENT_INVITE_INVALID');
      expect(problem.errors.map((e) => e.field).sort()).toEqual(['server', 'token']);
      expect((await post({ server: 'http://127.0.0.1:1', token: TOKEN, extra: 1 })).status).toBe(400);
      expect((await post('{', { 'content-type': 'application/json' })).status).toBe(400);
      expect(
        (await post({ server: 'http://127.0.0.1:1', token: TOKEN }, { 'content-type': 'text/plain' })).status,
      ).toBe(415);
      expect((await post({ server: 'http://127.0.0.1:1', token: 'x'.repeat(9000) })).status).toBe(413);
      expect((await fetch(`http://127.0.0.1:${l.port}/omega/invite`)).status).toBe(405);
      expect((await fetch(`http://127.0.0.1:${l.port}/other`)).status).toBe(404);
      // Naming another kernel by address than the one that sends it: refused.
      const elsewhere = await post({ server: 'http://192.0.2.9:7700', token: TOKEN });
      expect(elsewhere.status).toBe(400);
      expect(await elsewhere.text()).toMatch(/must come from/);

      const next = l.next();
      const ok = await post({ server: 'http://127.0.0.1:7700', token: TOKEN, certSha256: 'ab'.repeat(32) });
      expect(ok.status).toBe(202);
      expect(await ok.json()).toEqual({ accepted: true, name: 'n1', fingerprint: 'fp' });
      const inv = await next;
      expect(inv).toMatchObject({ server: 'http://127.0.0.1:7700', token: TOKEN, from: '127.0.0.1' });
      expect(inv.certSha256).toBe(Buffer.from('ab'.repeat(32), 'hex').toString('base64url'));
      const again = await post({ server: 'http://127.0.0.1:7700', token: TOKEN });
      expect(again.status).toBe(409);
      expect(((await again.json()) as { code: string }).code).toBe('OMEGA_ERR_AGENT_INVITE_USED');
      l.reopen();
      expect((await post({ server: 'http://127.0.0.1:7700', token: TOKEN })).status).toBe(202);
    } finally {
      await l.close();
    }
  });
});
