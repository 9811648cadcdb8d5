import { UsageError } from '../../command.js';
import { listingLine } from '../../listing-line.js';
import { output } from '../../output.js';
import { uniquePairs } from '../../unique-pairs.js';
import type { ActionHandler } from './action-handler.js';
import { type Obj, str } from './flags.js';

/** `--set k=v,k2=v2` as a settings patch (an all-digit value is a number of ms, anything else goes as text). */
function settingsPatch(set: string): Obj {
  return uniquePairs(
    set.split(',').map((pair): [string, unknown] => {
      const eq = pair.indexOf('=');
      const k = pair.slice(0, eq).trim();
      const v = pair.slice(eq + 1).trim();
      if (eq < 1 || v === '')
        throw new UsageError(
          `--set takes key=value pairs, e.g. placement=spread,retentionMs=3d (got "${pair}")`,
        );
      return [k, /^\d{1,15}$/.test(v) ? Number(v) : v];
    }),
    '--set',
  );
}

const MS_TEXT = (ms: number): string =>
  ms % 86_400_000 === 0
    ? `${ms / 86_400_000}d`
    : ms % 3_600_000 === 0
      ? `${ms / 3_600_000}h`
      : ms % 60_000 === 0
        ? `${ms / 60_000}m`
        : `${ms / 1000}s`;

function settingsHuman(data: unknown): string {
  const d = data as { version: number; settings: Obj; defaults: Obj; updatedBy?: string; updatedAt?: string };
  const lines = Object.entries(d.settings).map(([k, v]) => {
    const text = typeof v === 'number' ? `${MS_TEXT(v)} (${v} ms)` : String(v);
    return listingLine([
      { text: k, width: 16 },
      `${text}${v === d.defaults[k] ? '' : `  (default ${typeof d.defaults[k] === 'number' ? MS_TEXT(d.defaults[k] as number) : String(d.defaults[k])})`}`,
    ]);
  });
  const by = d.updatedBy
    ? `version ${d.version}, set by ${d.updatedBy} at ${d.updatedAt}`
    : 'defaults (never changed)';
  return [...lines, listingLine([by])].join('\n');
}

/** `sessions settings [--set K=V,..]`: the sessions plugin's settings, changed with `--set` (admins). */
export const sessionSettings: ActionHandler = async (values, args, api) => {
  if (args.length)
    throw new UsageError('sessions settings takes no arguments; change them with --set k=v,k2=v2');
  const set = str(values.set);
  const data = set
    ? await api.patch('/api/v1/sessions/settings', { body: settingsPatch(set) })
    : await api.get('/api/v1/sessions/settings');
  output(values.json === true, data, () => settingsHuman(data));
  return 0;
};
