import { ADMIN_PRINCIPAL } from '../../../kernel/index.js';
import { actionError } from '../../action-error.js';
import type { ApiData, ApiOperation, ApiQuery } from '../../api-types.js';
import { type Command, UsageError } from '../../command.js';
import { intFlag } from '../../int-flag.js';
import { type KernelApi, kernelApi } from '../../kernel-api.js';
import { fieldLine, listingLine } from '../../listing-line.js';
import { output } from '../../output.js';
import { timeFlag } from '../../time-flag.js';
import { userNames } from './user-names.js';

const ACTIONS = ['list', 'verify'] as const;
const OUTCOMES = ['success', 'failure', 'denied'] as const;
type Values = Record<string, string | boolean | undefined>;
type AuditQuery = NonNullable<ApiQuery<'/api/v1/security/audit', 'get'>>;
type AuditPage = ApiData<ApiOperation<'/api/v1/security/audit', 'get'>>;
type Entry = AuditPage['items'][number];

/** Entries shown by default, and at most (`--limit`). */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100_000;
/** Pages read at most for one listing: a sparse filter over a long trail stops here with a cursor. */
const MAX_PAGES = 200;

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** `--since`/`--until`: an ISO time (in the operator's zone when it has none), epoch ms, or a time ago (`30m`, `2h`, `7d`). */
function timeOrAgo(values: Values, flag: 'since' | 'until', now = Date.now()): string | undefined {
  const text = str(values[flag]);
  if (text === undefined) return undefined;
  const m = /^(\d{1,6})(m|h|d)$/.exec(text.trim());
  if (m)
    return new Date(
      now - Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'],
    ).toISOString();
  return timeFlag(
    text,
    `--${flag} takes an ISO time (in your time zone when it has none), epoch ms, or a time ago such as 30m, 2h, 7d`,
  );
}

function query(values: Values): AuditQuery {
  const outcome = str(values.outcome);
  if (outcome !== undefined && !(OUTCOMES as readonly string[]).includes(outcome))
    throw new UsageError(`--outcome is one of ${OUTCOMES.join(', ')} (got "${outcome}")`);
  const order = str(values.order) ?? 'desc';
  if (order !== 'asc' && order !== 'desc')
    throw new UsageError(
      `--order is asc (oldest first) or desc (newest first, the default) (got "${order}")`,
    );
  const cursor = str(values.cursor);
  if (cursor !== undefined && !/^b?\d{1,12}$/.test(cursor))
    throw new UsageError(`--cursor takes the cursor a listing printed, e.g. 763 (got "${cursor}")`);
  const since = timeOrAgo(values, 'since');
  const until = timeOrAgo(values, 'until');
  // walk: --since 1h --until 2h listed nothing, as if nothing had happened
  if (since !== undefined && until !== undefined && Date.parse(since) > Date.parse(until))
    throw new UsageError(`--since (${since}) is after --until (${until}): nothing can match`);
  return {
    actor: str(values.actor),
    action: str(values.action),
    outcome: outcome as AuditQuery['outcome'],
    since,
    until,
    order,
    cursor,
  };
}

/**
 * Up to `limit` entries matching `q`, page after page (a page holds fewer than asked when the
 * filter is sparse, with a cursor to go on), and the cursor past the last one when more may remain.
 */
async function entries(
  api: KernelApi,
  q: AuditQuery,
  limit: number,
): Promise<{ items: Entry[]; nextCursor?: string }> {
  const items: Entry[] = [];
  let cursor = q.cursor;
  for (let pages = 0; pages < MAX_PAGES && items.length < limit; pages++) {
    const page = await api.get('/api/v1/security/audit', {
      query: { ...q, cursor, limit: Math.min(1000, limit - items.length) },
    });
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return { items };
  }
  return { items, ...(cursor ? { nextCursor: cursor } : {}) };
}

/** `details` as one short text (`{"roles":["ops"]}` → `roles=["ops"]`). */
function detailsText(d: Entry['details']): string {
  if (!d) return '';
  return Object.entries(d)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

function entryTable(items: Entry[], names: Map<string, string>): string {
  const who = (id: string | undefined) => (id === undefined ? '-' : (names.get(id) ?? id));
  // The kernel's static admin token acts as `admin`, which is no user id: shown as what it is, as a
  // user may be named admin.
  const actorOf = (id: string) => (id === ADMIN_PRINCIPAL.id ? 'admin token' : who(id));
  const actor = Math.min(24, Math.max(5, ...items.map((e) => actorOf(e.actor).length)));
  const action = Math.min(28, Math.max(6, ...items.map((e) => e.action.length)));
  const target = Math.min(28, Math.max(6, ...items.map((e) => who(e.target).length)));
  const row = (cells: string[]) =>
    listingLine([
      { text: cells[0]!, width: 6, right: true },
      { text: cells[1]!, width: 20 },
      { text: cells[2]!, width: actor, max: actor, ellipsis: true },
      { text: cells[3]!, width: action, max: action, ellipsis: true },
      { text: cells[4]!, width: 7 },
      { text: cells[5]!, width: target, max: target, ellipsis: true },
      { text: cells[6]!, max: 100, ellipsis: true },
    ]);
  return [
    row(['SEQ', 'TIME', 'ACTOR', 'ACTION', 'OUTCOME', 'TARGET', 'DETAILS']),
    ...items.map((e) =>
      row([
        String(e.seq),
        e.time.replace(/\.\d{3}Z$/, 'Z'),
        actorOf(e.actor),
        e.action,
        e.outcome,
        who(e.target),
        detailsText(e.details),
      ]),
    ),
  ].join('\n');
}

function verifyText(r: ApiData<ApiOperation<'/api/v1/security/audit/verify', 'get'>>): string {
  return [
    r.ok
      ? `The audit trail is intact: ${r.entries} entries, hash chain and MACs checked.`
      : `The audit trail is BROKEN at seq ${r.broken?.seq ?? '?'}: ${r.broken?.reason ?? 'see --json'}`,
    fieldLine('head', `seq ${r.head.seq}, hash ${r.head.hash}`),
    fieldLine('keyed', r.keyed ? `yes, MACs from seq ${r.keyedFrom}` : 'no (entries carry no MAC)'),
    ...r.checkpoints.map((c) => fieldLine('checkpoint', `seq ${c.seq} at ${c.at} (${c.source}): matches`)),
  ].join('\n');
}

/** `omega audit …`: the security plugin's audit trail — filtered listing and verification. */
export const auditCommand: Command = {
  name: 'audit',
  summary: 'The audit trail: who did what, filtered (newest first); verify its hash chain.',
  usage:
    'omega audit [list] [--actor USER] [--action A] [--outcome success|failure|denied] [--since TIME] [--until TIME] [--limit N] [--order desc|asc] [--cursor C] | verify [--checkpoint JWS] [--json]',
  options: {
    'data-dir': { type: 'string', description: 'Where to find admin-token (default ./data)' },
    actor: {
      type: 'string',
      for: ['list'],
      description: 'list: who acted, a username or id (kernel, a plugin, anonymous)',
    },
    action: {
      type: 'string',
      for: ['list'],
      description: 'list: an action (user.create), or a family with a trailing dot (auth.)',
    },
    outcome: { type: 'string', for: ['list'], description: 'list: success, failure or denied' },
    since: {
      type: 'string',
      for: ['list'],
      description:
        'list: from this time (ISO, in your time zone when it has none; epoch ms; or ago: 30m, 2h, 7d)',
    },
    until: { type: 'string', for: ['list'], description: 'list: up to this time (as --since)' },
    limit: {
      type: 'string',
      for: ['list'],
      description: `list: at most this many entries (default ${DEFAULT_LIMIT})`,
    },
    order: {
      type: 'string',
      for: ['list'],
      description: 'list: desc, newest first (default), or asc, oldest first',
    },
    cursor: {
      type: 'string',
      for: ['list'],
      description: 'list: go on from where a listing stopped (it prints the cursor)',
    },
    checkpoint: {
      type: 'string',
      for: ['verify'],
      description:
        'verify: also check a checkpoint JWS kept outside this machine (security.audit.checkpoint event)',
    },
    json: { type: 'boolean', description: 'Print JSON' },
  },
  actions: ACTIONS,
  defaultAction: 'list',
  async run(values, positionals) {
    const [action = 'list', ...args] = positionals;
    if (!(ACTIONS as readonly string[]).includes(action)) throw actionError('audit', action, ACTIONS);
    // Its flags, but for the action's own: a flag of another action is refused, not ignored.
    if (args.length)
      throw new UsageError(`audit ${action} takes no arguments (got "${args[0]}"); filter with flags`);
    const json = values.json === true;
    const api = kernelApi(values);
    if (action === 'verify') {
      const checkpoint = str(values.checkpoint);
      const r = await api.get('/api/v1/security/audit/verify', { query: checkpoint ? { checkpoint } : {} });
      output(json, r, () => verifyText(r));
      return r.ok ? 0 : 1;
    }
    const q = query(values);
    const limit = intFlag(values, 'limit', { min: 1, max: MAX_LIMIT }) ?? DEFAULT_LIMIT;
    const page = await entries(api, q, limit);
    const names = json ? new Map<string, string>() : await userNames(api);
    output(json, page, () => {
      const more = page.nextCursor
        ? `\n(more ${q.order === 'asc' ? 'newer' : 'older'} entries may remain: add --cursor ${page.nextCursor}, or a larger --limit)`
        : '';
      return page.items.length ? `${entryTable(page.items, names)}${more}` : `No audit entries match.${more}`;
    });
    return 0;
  },
};
