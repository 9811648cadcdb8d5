import { t } from '../i18n/t.js';

/** Counts per state with their reasons: "down 3 — agent stopped; unreachable". */
export function StateGroups({
  groups,
  label,
}: {
  groups: Array<{ state: string; count: number; reasons: string[] }>;
  label: string;
}) {
  if (groups.length === 0) return <p class="muted">{t('common.none')}</p>;
  return (
    <ul class="state-groups" aria-label={label}>
      {groups.map((g) => (
        <li key={g.state} data-state={g.state}>
          <span class={`state state-${g.state}`}>{g.state}</span>
          <strong class="count">{g.count}</strong>
          {g.reasons.length > 0 ? <span class="muted reasons">{g.reasons.join('; ')}</span> : null}
        </li>
      ))}
    </ul>
  );
}
