import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileBinary, skipReason } from '../../agent/test/exec/exec-harness.js';
import type { NodesKernel } from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import {
  api,
  cancelAll,
  createSession,
  type Doc,
  METRICS_DIR,
  startNode,
  startSessionsKernel,
  stopNode,
  type TestNode,
  until,
  waitSession,
} from './helpers/sessions-cluster.js';

const reason = await skipReason();

describe.skipIf(reason !== null)(
  `session usage recorded by the metrics plugin as series keyed by session${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let k: NodesKernel;
    let node: TestNode;
    beforeAll(async () => {
      await hostileBinary();
      k = await startSessionsKernel({ with: [METRICS_DIR] });
      node = await startNode(k, 'h1');
    }, 180_000);
    afterAll(async () => {
      if (k) await cancelAll(k).catch(() => {});
      if (node) await stopNode(node);
      await k?.close();
    });

    it('publishes batched sessions.usage each second and the metrics plugin answers range queries per session', async () => {
      const bin = await hostileBinary();
      const id = (
        await createSession(k, { command: bin, args: ['spin', '1'], resources: { millicores: 400 } })
      ).body.id as string;
      await waitSession(k, id, (s) => s.status.state === 'running');
      const batch = await until(() =>
        k
          .events(['sessions.usage'])
          .map((e) => e.data as Doc)
          .find((d) => d.rows.some((r: unknown[]) => r[0] === id)),
      );
      expect(batch.fields.slice(0, 3)).toEqual(['session', 'node', 'owner']);
      expect(batch.rows.find((r: unknown[]) => r[0] === id).slice(1, 3)).toEqual(['h1', 'admin']);

      const selector = encodeURIComponent(`session.cpu_cores{session="${id}"}`);
      const points = await until(async () => {
        const q = await api<Doc>(k, `/api/v1/metrics/query?series=${selector}&from=now-2m&step=5s`);
        const values = (q.body.results?.[0]?.points ?? [])
          .map((p: [number, number | null]) => p[1])
          .filter((v: number | null) => v !== null);
        return values.length >= 2 ? { q: q.body, values: values as number[] } : undefined;
      }, 30_000);
      expect(points.q.results[0].labels).toEqual({ session: id, node: 'h1' });
      expect(points.q.results[0].unit).toBe('cores');
      // Capped at 400 millicores: the spinner's rate sits under ~0.4 core, above zero.
      expect(Math.max(...points.values)).toBeLessThan(0.6);
      expect(Math.max(...points.values)).toBeGreaterThan(0.05);
      const series = await api<Doc>(k, `/api/v1/metrics/series?session=${id}`);
      expect(series.body.items.map((s: Doc) => s.name).sort()).toEqual([
        'session.cpu_cores',
        'session.cpu_seconds',
        'session.cpu_throttled_ratio',
        'session.memory_bytes',
        'session.memory_peak_bytes',
      ]);
      expect(series.body.collector.sessions.sessions).toBeGreaterThanOrEqual(1);
    }, 120_000);
  },
);
