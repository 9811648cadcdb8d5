import { actionError } from '../action-error.js';
import { type Command, UsageError } from '../command.js';
import { kernelApi } from '../kernel-api.js';
import { labelFlag } from '../label-flag.js';
import { listingLine } from '../listing-line.js';
import { output } from '../output.js';
import { timeFlag } from '../time-flag.js';

const ACTIONS = ['list', 'ack', 'silence', 'silences', 'expire'] as const;

type Values = Record<string, string | boolean | undefined>;
interface Who {
  id: string;
  name: string;
}
interface AlertView {
  id: string;
  rule: string;
  series: string;
  state: string;
  since: number;
  value: number;
  severity: string;
  acknowledged?: { by: Who; reason: string; at: number };
  silenced?: { until: number; silences: Array<{ id: string; reason: string; by: Who }> };
}
interface SilenceView {
  id: string;
  spec: { rule?: string; labels?: Record<string, string>; reason: string; startsAt: number; endsAt: number };
  status: { state: string; expiredBy?: Who };
  createdBy: Who;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

function alertLine(a: AlertView): string {
  const notes = [
    a.acknowledged ? `acked by ${a.acknowledged.by.name}: ${a.acknowledged.reason}` : '',
    a.silenced ? `silenced until ${iso(a.silenced.until)} (${a.silenced.silences[0]?.reason ?? ''})` : '',
  ].filter(Boolean);
  return listingLine([
    a.id,
    { text: a.state, width: 8 },
    { text: a.severity, width: 8 },
    { text: a.rule, width: 20 },
    a.series,
    `= ${a.value}`,
    ...(notes.length ? ['', `[${notes.join('; ')}]`] : ['']),
  ]);
}

function silenceLine(s: SilenceView): string {
  const match = [
    s.spec.rule ? `rule=${s.spec.rule}` : '',
    ...Object.entries(s.spec.labels ?? {}).map(([k, v]) => `${k}=${v}`),
  ].filter(Boolean);
  return listingLine([
    { text: s.id, width: 18 },
    { text: s.status.state, width: 8 },
    `until ${iso(s.spec.endsAt)}`,
    `by ${s.createdBy.name}`,
    match.join(','),
    `"${s.spec.reason}"`,
  ]);
}

function needReason(values: Values, action: string): string {
  const reason = str(values.reason);
  if (!reason) throw new UsageError(`alerts ${action} needs --reason TEXT (it is shown and audited)`);
  return reason;
}

async function silence(values: Values): Promise<unknown> {
  const rule = str(values.rule);
  const label = str(values.label);
  if (!rule && !label) throw new UsageError('alerts silence needs --rule ID and/or --label k=v');
  const forText = str(values.for);
  const until = str(values.until);
  if (forText && until) throw new UsageError('alerts silence takes --for 2h or --until TIME, not both');
  if (!forText && !until) throw new UsageError('alerts silence needs one of --for 2h or --until TIME');
  return kernelApi(values).post('/api/v1/metrics/alerts/silences', {
    body: {
      ...(rule ? { rule } : {}),
      ...(label ? { labels: labelFlag(label, '--label') } : {}),
      reason: needReason(values, 'silence'),
      ...(forText
        ? { for: forText }
        : {
            until: timeFlag(
              until!,
              '--until takes an ISO time (in your time zone when it has none) or epoch ms',
            ),
          }),
    },
  });
}

/** `omega alerts …`: firing alerts, acknowledge one, silence alerts, list and expire silences. */
export const alertsCommand: Command = {
  name: 'alerts',
  summary: 'Alerts pending or firing; acknowledge, silence (list, expire) them with a reason.',
  usage:
    'omega alerts [list] | ack ALERT_ID --reason TEXT | silence [--rule ID] [--label k=v,…] --reason TEXT (--for 2h | --until TIME) | silences [--state active|expired] | expire SILENCE_ID',
  options: {
    'data-dir': { type: 'string', description: 'Where to find admin-token (default ./data)' },
    reason: {
      type: 'string',
      for: ['ack', 'silence'],
      description: 'Why (ack, silence): shown beside the alert and audited',
    },
    rule: { type: 'string', for: ['silence'], description: 'silence: the alert rule id it covers' },
    label: { type: 'string', for: ['silence'], description: 'silence: labels an alert must have, k=v,k2=v2' },
    for: {
      type: 'string',
      for: ['silence'],
      description: 'silence: how long, e.g. 30m, 2h, 1d (at most 30d)',
    },
    until: {
      type: 'string',
      for: ['silence'],
      description: 'silence: until when (an ISO time, read in your time zone when it has none, or epoch ms)',
    },
    state: { type: 'string', for: ['silences'], description: 'silences: only active or expired ones' },
    json: { type: 'boolean', description: 'Print JSON' },
  },
  actions: ACTIONS,
  async run(values, positionals) {
    const [action = 'list', id] = positionals;
    if (!(ACTIONS as readonly string[]).includes(action)) throw actionError('alerts', action, ACTIONS);
    const json = values.json === true;
    const api = kernelApi(values);
    const needId = (what: string): string => {
      if (!id)
        throw new UsageError(
          `omega alerts ${action} needs the ${what} id (omega alerts ${what === 'alert' ? 'list' : 'silences'})`,
        );
      return id;
    };
    if (action === 'list') {
      const { items } = (await api.get('/api/v1/metrics/alerts')) as { items: AlertView[] };
      output(json, items, () =>
        items.length ? items.map(alertLine).join('\n') : 'No alert pending or firing.',
      );
    } else if (action === 'ack') {
      const alertId = needId('alert');
      const a = (await api.post('/api/v1/metrics/alerts/{id}/ack', {
        path: { id: alertId },
        body: { reason: needReason(values, 'ack') },
      })) as AlertView;
      output(json, a, () => alertLine(a));
    } else if (action === 'silence') {
      const s = (await silence(values)) as SilenceView;
      output(json, s, () => `Silenced: ${silenceLine(s)}`);
    } else if (action === 'silences') {
      const state = str(values.state);
      if (state !== undefined && state !== 'active' && state !== 'expired')
        throw new UsageError('--state is active or expired');
      const { items } = (await api.get('/api/v1/metrics/alerts/silences', {
        query: { state },
      })) as { items: SilenceView[] };
      output(json, items, () => (items.length ? items.map(silenceLine).join('\n') : 'No silences.'));
    } else {
      const s = (await api.delete('/api/v1/metrics/alerts/silences/{id}', {
        path: { id: needId('silence') },
      })) as SilenceView;
      output(json, s, () => `Expired: ${silenceLine(s)}`);
    }
    return 0;
  },
};
