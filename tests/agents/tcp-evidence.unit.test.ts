import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { procKey, tcpEvidence, tcpEvidenceMany } from '../../kernel/agents/index.js';

/* What TCP says of silent agent connections, read from /proc/net/tcp{,6}-format files in a temp dir. */

const dir = mkdtempSync(join(tmpdir(), 'omega-tcp-evidence-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const kernelEnd = { address: '127.0.0.1', port: 7700 };
const row = (i: number, remotePort: number, tx: number, timer: string, retransmits: number) =>
  `${String(i).padStart(4)}: ${procKey(kernelEnd)!.key} ${procKey({ address: '127.0.0.1', port: remotePort })!.key} 01 ${tx
    .toString(16)
    .padStart(8, '0')
    .toUpperCase()}:00000000 ${timer}:00000010 ${retransmits.toString(16).padStart(8, '0')}     0        0 ${1000 + i} 1 0 20 4 30 10 -1`;

describe('TCP evidence for silent agent connections', () => {
  it('answers each connection of a batch in order, from one scan of a 10,000-row table', async () => {
    const rows = [HEAD];
    // 10,000 healthy connections (nothing outstanding), then a hung agent's and a cut link's.
    for (let i = 0; i < 10_000; i++) rows.push(row(i, 20_000 + i, 0, '00', 0));
    rows.push(row(10_000, 40_001, 0, '00', 0));
    rows.push(row(10_001, 40_002, 0x120, '01', 3));
    rows.push(row(10_002, 40_003, 0x40, '00', 0));
    writeFileSync(join(dir, 'tcp'), `${rows.join('\n')}\n`);
    const v6 = procKey({ address: '::1', port: 7700 })!.key;
    const v6r = procKey({ address: '::1', port: 50_000 })!.key;
    writeFileSync(
      join(dir, 'tcp6'),
      `${HEAD}\n   0: ${v6} ${v6r} 01 00000080:00000000 01:00000020 00000002     0        0 77 1\n`,
    );
    const ask = (port: number, address = '127.0.0.1') => ({
      local: address === '::1' ? { address, port: 7700 } : kernelEnd,
      remote: { address, port },
    });
    expect(
      await tcpEvidenceMany(
        [ask(40_002), ask(40_001), ask(40_003), ask(40_999), ask(50_000, '::1'), ask(20_123)],
        dir,
      ),
    ).toEqual(['unacked', 'acked', 'unknown', 'unknown', 'unacked', 'acked']);
    // One at a time answers the same.
    expect(await tcpEvidence(kernelEnd, { address: '127.0.0.1', port: 40_002 }, dir)).toBe('unacked');
    expect(await tcpEvidence(kernelEnd, { address: '127.0.0.1', port: 40_001 }, dir)).toBe('acked');
  });

  it('is unknown for addresses /proc cannot name, mixed families, or no table', async () => {
    const other = mkdtempSync(join(tmpdir(), 'omega-tcp-none-'));
    try {
      expect(
        await tcpEvidenceMany(
          [
            { local: kernelEnd, remote: { address: 'not-an-ip', port: 1 } },
            { local: kernelEnd, remote: { address: '::1', port: 1 } },
            { local: kernelEnd, remote: { address: '127.0.0.1', port: 40_001 } },
          ],
          other,
        ),
      ).toEqual(['unknown', 'unknown', 'unknown']);
      expect(await tcpEvidenceMany([], other)).toEqual([]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
