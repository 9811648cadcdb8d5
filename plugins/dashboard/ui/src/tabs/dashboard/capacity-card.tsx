import { useRef, useState } from 'preact/hooks';
import { isNotFound } from '../../api/api-error.js';
import { useAsync } from '../../components/use-async.js';
import { useLive } from '../../components/use-live.js';
import { formatBytes, formatNumber, formatRatio } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';

/** How stale the allocation may get for a user who sees only their own sessions' transitions. */
const ALLOC_REFRESH_MS = 10_000;

/** `GET /sessions/allocation`'s total: what active sessions hold. */
interface Allocated {
  millicores: number;
  memoryBytes: number;
  gpus: number;
  sessions: number;
}

interface Latest {
  nodes: Array<{ node: string; at: number; values: Record<string, number> }>;
}

/** Sums of the newest samples of every node: CPU cores busy, memory used/total, GPUs busy. */
export function usedFromLatest(l: Latest): {
  cpuBusyCores: number;
  cpuCores: number;
  memUsed: number;
  memTotal: number;
  gpus: number;
  gpuBusy: number;
} {
  const out = { cpuBusyCores: 0, cpuCores: 0, memUsed: 0, memTotal: 0, gpus: 0, gpuBusy: 0 };
  for (const n of l.nodes) {
    for (const [id, v] of Object.entries(n.values)) {
      if (id.startsWith('cpu.busy{') && !id.includes('cpu="total"')) {
        out.cpuBusyCores += v;
        out.cpuCores++;
      } else if (id.startsWith('memory.used{')) out.memUsed += v;
      else if (id.startsWith('memory.total{')) out.memTotal += v;
      else if (id.startsWith('gpu.utilization{')) {
        out.gpus++;
        out.gpuBusy += v;
      }
    }
  }
  return out;
}

/** Allocated (nodes plugin) vs used (metrics) CPU, memory and GPUs; live from metrics samples. */
export function CapacityCard() {
  const { api } = useServices();
  const [latest, setLatest] = useState<Latest | undefined>(undefined);
  const l = useAsync(async (signal) => setLatest(await api.get<Latest>('/metrics/latest', signal)), []);
  // What active sessions hold (the sessions plugin sums it; nodes know capacity, not allocation).
  const held = useAsync((signal) => api.get<{ total: Allocated }>('/sessions/allocation', signal), []);
  useLive(['metrics.sample'], (e) => {
    const d = e.data as { node?: string; at?: number; values?: Record<string, number> };
    if (!d?.node || !d.values) return;
    setLatest((old) => ({
      nodes: [
        ...(old?.nodes ?? []).filter((n) => n.node !== d.node),
        { node: d.node as string, at: d.at ?? 0, values: d.values as Record<string, number> },
      ],
    }));
  });
  useLive(['sessions.session.*'], () => held.reload());
  // A user who reads only their own sessions gets only their own transitions live, yet the
  // allocation sums everyone's: it is also re-read at most every ALLOC_REFRESH_MS, on samples.
  const allocReadAt = useRef(Date.now());
  useLive(['metrics.sample'], () => {
    const now = Date.now();
    if (now - allocReadAt.current < ALLOC_REFRESH_MS) return;
    allocReadAt.current = now;
    held.reload();
  });
  const used = latest ? usedFromLatest(latest) : undefined;
  const alloc = held.data?.total;
  const noAlloc = isNotFound(held.error) ? t('dash.allocNeedsSessions') : '–';
  return (
    <section class="card" aria-labelledby="card-capacity">
      <h2 id="card-capacity">{t('dash.capacity')}</h2>
      {l.error !== undefined && isNotFound(l.error) ? (
        <p class="muted">{t('common.notInstalled', { plugin: 'metrics' })}</p>
      ) : null}
      <table class="table table-compact">
        <thead>
          <tr>
            <th scope="col">{t('dash.resource')}</th>
            <th scope="col">{t('dash.allocated')}</th>
            <th scope="col">{t('dash.used')}</th>
          </tr>
        </thead>
        <tbody>
          <tr data-resource="cpu">
            <th scope="row">{t('dash.cpu')}</th>
            <td>{alloc ? t('dash.cores', { n: formatNumber(alloc.millicores / 1000) }) : noAlloc}</td>
            <td>
              {used
                ? t('dash.coresOf', { used: formatNumber(used.cpuBusyCores), total: used.cpuCores })
                : '–'}
            </td>
          </tr>
          <tr data-resource="memory">
            <th scope="row">{t('dash.memory')}</th>
            <td>{alloc ? formatBytes(alloc.memoryBytes) : noAlloc}</td>
            <td>{used ? `${formatBytes(used.memUsed)} / ${formatBytes(used.memTotal)}` : '–'}</td>
          </tr>
          <tr data-resource="gpu">
            <th scope="row">{t('dash.gpu')}</th>
            <td>{alloc ? formatNumber(alloc.gpus) : noAlloc}</td>
            <td>
              {used
                ? used.gpus === 0
                  ? t('dash.gpuAbsent')
                  : `${formatRatio(used.gpuBusy / used.gpus)} × ${used.gpus}`
                : '–'}
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
