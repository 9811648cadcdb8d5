import { rmSync } from 'node:fs';
import { MAX_EVENT_DATA_BYTES } from '@omega/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';

// Red team F1, HTTP side: POST /api/v1/events is admin-only and body-limited, but every event
// is retained for replay, so it keeps the same per-event cap as a plugin's events.publish.
describe('POST /api/v1/events keeps the per-event size cap', () => {
  let k: TempKernel;
  beforeAll(async () => {
    k = await startTempKernel({ plugins: { dirs: [], warmHosts: 0 } });
  });
  afterAll(async () => {
    await k.stop();
    rmSync(k.dataDir, { recursive: true, force: true });
  });

  const post = (data: unknown) =>
    k.api('/api/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'ops.test.big', data }),
    });

  it('refuses data over MAX_EVENT_DATA_BYTES with 413 and publishes nothing', async () => {
    const before = k.kernel.bus.lastSeq;
    const res = await post('x'.repeat(MAX_EVENT_DATA_BYTES + 10));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe('OMEGA_ERR_PAYLOAD_TOO_LARGE');
    expect(k.kernel.bus.lastSeq).toBe(before);
    expect((await post('x'.repeat(MAX_EVENT_DATA_BYTES - 100))).status).toBe(202);
  });
});
