import { bytes } from '../../format-bytes.js';
import { fieldLine, listingLine } from '../../listing-line.js';
import type { Obj } from './flags.js';
import type { SessionView, Usage } from './session-view.js';

/** `45s`, `3m`, `2h`, `5d` since an ISO time. */
function age(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

/** `4 cores` (pinned), `0.5 cpu` (a share). */
function cpuText(r: SessionView['spec']['resources']): string {
  if (r.cores !== undefined) return `${r.cores} core${r.cores === 1 ? '' : 's'}`;
  return `${(r.millicores ?? 1000) / 1000} cpu`;
}

function commandText(s: SessionView['spec']): string {
  if (s.script !== undefined) return `script (${s.script.split('\n').length} lines)`;
  return [s.command ?? '', ...s.args]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a)))
    .join(' ');
}

/** The widths of `list`'s columns that grow with what they hold (`4096 cores`, `1000.0 GiB`). */
interface ListWidths {
  cpu: number;
  memory: number;
  gpus: number;
}

function listLine(s: SessionView, w: ListWidths): string {
  const node = s.status.placement?.nodeName ?? (s.spec.target.kind === 'slurm' ? 'slurm' : '-');
  return listingLine([
    { text: s.id, width: 24 },
    { text: s.spec.name, max: 16, width: 16 },
    { text: s.owner.name, max: 12, width: 12 },
    { text: s.status.state, width: 11 },
    { text: node, max: 14, width: 14 },
    { text: cpuText(s.spec.resources), width: w.cpu },
    { text: bytes(s.spec.resources.memoryBytes), width: w.memory, right: true },
    { text: String(s.spec.resources.gpus), width: w.gpus, right: true },
    { text: age(s.createdAt), width: 5, right: true },
    '',
    { text: s.status.reason, max: 60, ellipsis: true }, // a user's cancel reason may hold a newline
  ]);
}

function usageLines(u: Usage | undefined, peak?: number | null): string[] {
  if (!u) return [fieldLine('usage', 'none yet')];
  return [
    fieldLine(
      'usage',
      `cpu ${u.cpuTotalSec.toFixed(2)} s (user ${u.cpuUserSec.toFixed(2)}, system ${u.cpuSystemSec.toFixed(2)})${u.throttledSec === null ? '' : `, throttled ${u.throttledSec.toFixed(2)} s`}`,
    ),
    fieldLine(
      'memory',
      `${bytes(u.memoryCurrentBytes)} now, peak ${bytes(peak ?? u.memoryPeakBytes)}${u.pidsCurrent === null ? '' : `, ${u.pidsCurrent} tasks`}  (at ${u.at})`,
    ),
  ];
}

function details(s: SessionView): string {
  const st = s.status;
  const r = s.spec.resources;
  const p = st.placement;
  const lines = [
    listingLine([`${s.spec.name} (${s.id})  ${st.state}`]),
    fieldLine('reason', st.reason),
    fieldLine('since', st.since),
    fieldLine('owner', `${s.owner.name} (${s.owner.id})`),
    fieldLine('command', commandText(s.spec)),
    fieldLine(
      'asks',
      `${cpuText(r)}, ${bytes(r.memoryBytes)}, ${r.gpus} GPU${r.gpus === 1 ? '' : 's'}${r.gpuModel ? ` (${r.gpuModel})` : ''}${s.spec.timeLimitSec ? `, time limit ${s.spec.timeLimitSec} s` : ''}, priority ${s.spec.priority}`,
    ),
    fieldLine(
      'target',
      `${s.spec.target.kind}${s.spec.target.partition ? ` partition ${s.spec.target.partition}` : ''}${s.spec.nodeSelector ? `, nodes ${s.spec.nodeSelector}` : ''}`,
    ),
  ];
  if (p)
    lines.push(
      fieldLine(
        'placed on',
        `${p.nodeName}${p.cpus?.length ? `, cpus ${p.cpus.join(',')}` : `, ${p.millicores / 1000} cpu`}${p.mems?.length ? `, mems ${p.mems.join(',')}` : ''}${p.gpus.length ? `, gpus ${p.gpus.join(',')}` : ''}`,
      ),
    );
  if (st.slurm)
    lines.push(
      fieldLine(
        'slurm',
        `job ${st.slurm.jobId} ${st.slurm.state}${st.slurm.reason ? ` (${st.slurm.reason})` : ''}`,
      ),
    );
  if (st.exit)
    lines.push(fieldLine('exit', st.exit.signal ? `signal ${st.exit.signal}` : `code ${st.exit.code}`));
  if (st.cancelledBy) lines.push(fieldLine('cancelled by', st.cancelledBy));
  for (const e of st.enforcement ?? []) lines.push(fieldLine('enforcement', e));
  lines.push(...usageLines(st.usage, st.peakMemoryBytes));
  for (const h of s.history.slice(-12).reverse())
    lines.push(fieldLine('history', h.at, '', { text: h.state, width: 11 }, h.reason));
  return lines.join('\n');
}

/** The human text of a sessions answer: `list`'s table, `usage`, `show`'s details, or one session's state line. */
export function sessionText(action: string, data: unknown): string {
  const d = data as Obj;
  if (action === 'list') {
    const items = d.items as SessionView[];
    if (items.length === 0) return 'no sessions';
    // A column as wide as its longest cell: `4096 cores` ran into the memory column and shifted the row.
    const widest = (min: number, text: (s: SessionView) => string) =>
      Math.max(min, ...items.map((s) => text(s).length));
    const w: ListWidths = {
      cpu: widest(9, (s) => cpuText(s.spec.resources)),
      memory: widest(8, (s) => bytes(s.spec.resources.memoryBytes)),
      gpus: widest(4, (s) => String(s.spec.resources.gpus)),
    };
    const head = `${'ID'.padEnd(24)} ${'NAME'.padEnd(16)} ${'OWNER'.padEnd(12)} ${'STATE'.padEnd(11)} ${'NODE'.padEnd(14)} ${'CPU'.padEnd(w.cpu)} ${'MEMORY'.padStart(w.memory)} ${'GPUS'.padStart(w.gpus)} ${'AGE'.padStart(5)}  REASON`;
    const more = d.nextCursor ? `\n(next page: --cursor ${d.nextCursor})` : '';
    return `${head}\n${items.map((s) => listLine(s, w)).join('\n')}${more}`;
  }
  if (action === 'usage') {
    const u = d as {
      id: string;
      state: string;
      usage?: Usage;
      peakMemoryBytes: number | null;
      series: string;
    };
    return [
      listingLine([`${u.id}  ${u.state}`]),
      ...usageLines(u.usage ?? undefined, u.peakMemoryBytes),
      fieldLine('history', `${u.series} (metrics)`),
    ].join('\n');
  }
  const s = data as SessionView;
  if (action === 'show') return details(s);
  return listingLine([`${s.id}  ${s.status.state}: ${s.status.reason}`]);
}
