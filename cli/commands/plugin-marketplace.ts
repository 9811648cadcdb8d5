import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import WebSocket from 'ws';
import { describePlan, type Plan } from '../../marketplace/index.js';
import { ApiError, currentToken } from '../api-client.js';
import type { ApiBody } from '../api-types.js';
import { UsageError } from '../command.js';
import { kernelApi } from '../kernel-api.js';
import { listingLine } from '../listing-line.js';
import { output } from '../output.js';
import { readUserFile } from '../read-user-file.js';
import { resolveCliUrl } from '../target.js';

type Values = Record<string, string | boolean | undefined>;

/** `omega plugin` actions served by the marketplace. */
export const MARKETPLACE_ACTIONS = ['search', 'upgrade', 'rollback', 'remove', 'verify', 'source'] as const;
/** The actions under `omega plugin source`. */
export const SOURCE_ACTIONS = ['add', 'list', 'remove'] as const;

/**
 * HTTP wait of an install/upgrade/rollback: every download has its own deadline in the kernel
 * (a coded error), health checks follow; progress arrives on the event stream meanwhile.
 */
export const LONG_OPERATION_MS = 30 * 60_000;
const err = (s: string) => process.stderr.write(`${s}\n`);

/**
 * True when an argument names a packed plugin file rather than `name[@range]`: it says so
 * explicitly (a path with `/` or `\\`, such as `./x.omega-plugin`, or the `.omega-plugin`
 * extension). A bare word is always a plugin name, even when a file of that name exists here.
 */
export const isArchiveArg = (arg: string): boolean => /[/\\]/.test(arg) || /\.omega-plugin$/i.test(arg);

/** The permission diff of a plan as the operator reads it (only what changes). */
export const renderPlan = (plan: Plan): string => describePlan(plan);

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/**
 * The operator's decision on a plan, the same for files and marketplaces: an escalation is
 * approved by `--approve` or an interactive yes only (`--yes` never approves one); a change
 * that asks for nothing new by `--yes`, `--approve` or an interactive yes. Throws a UsageError
 * naming the flag when not approved.
 */
export async function approvePlan(values: Values, plan: Plan): Promise<void> {
  let ok = plan.escalating ? values.approve === true : values.yes === true || values.approve === true;
  if (!ok && values.json !== true) ok = await confirm(plan.escalating ? 'Approve this diff?' : 'Proceed?');
  if (ok) return;
  throw new UsageError(
    plan.escalating
      ? `this asks for more than is approved now: review the diff above and re-run with --approve${values.yes === true ? ' (--yes never approves an escalation)' : ''}`
      : 'confirm with --yes (or --approve)',
  );
}

/** Prints download progress from the kernel's event stream while `work` runs. */
async function withProgress<T>(values: Values, quiet: boolean, work: () => Promise<T>): Promise<T> {
  if (quiet) return work();
  const url = `${resolveCliUrl(values).replace(/^http/, 'ws')}/api/v1/events?topics=marketplace.download.*`;
  const token = await currentToken(values);
  const ws = new WebSocket(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  ws.on('error', () => undefined);
  ws.on('message', (raw) => {
    try {
      const e = JSON.parse(String(raw)) as {
        type: string;
        data?: { path: string; received: number; total?: number };
      };
      if (e.type !== 'event' || !e.data) return;
      const { path, received, total } = e.data;
      err(
        `  ${path}: ${received}${total ? `/${total} bytes (${Math.floor((received / total) * 100)}%)` : ' bytes'}`,
      );
    } catch {
      // not ours
    }
  });
  await new Promise((ok) => {
    ws.once('message', ok);
    ws.once('error', ok);
    setTimeout(ok, 1000).unref();
  });
  try {
    return await work();
  } finally {
    ws.close();
  }
}

/**
 * Runs a change (install/upgrade/rollback): plans it, shows the permission diff, then applies
 * it with the plan's consent digest once the operator approved — interactively, or with
 * `--approve` (the escalation shown), or `--yes` (only when nothing escalates).
 */
async function change(values: Values, req: ApiBody<'/api/v1/marketplace/plan', 'post'>) {
  const json = values.json === true;
  const api = kernelApi(values);
  const plan: Plan = await api.post('/api/v1/marketplace/plan', { body: req });
  if (!json) err(renderPlan(plan));
  if (plan.steps.length === 0) {
    output(json, plan, () => 'up to date');
    return 0;
  }
  await approvePlan(values, plan);
  const { consent } = plan;
  const timeoutMs = LONG_OPERATION_MS;
  const done = await withProgress(values, json, () =>
    req.op === 'install'
      ? api.post('/api/v1/marketplace/install', {
          body: { name: req.name, ...(req.range === undefined ? {} : { range: req.range }), consent },
          timeoutMs,
        })
      : req.op === 'upgrade'
        ? api.post('/api/v1/marketplace/upgrade', {
            body: { ...(req.name === undefined ? {} : { name: req.name }), consent },
            timeoutMs,
          })
        : api.post('/api/v1/marketplace/rollback', { body: { name: req.name, consent }, timeoutMs }),
  );
  output(json, done, () =>
    plan.steps.map((s) => listingLine([`${s.name} ${s.from ?? '(new)'} → ${s.to}: running`])).join('\n'),
  );
  return 0;
}

function splitSpec(spec: string): { name: string; range?: string } {
  const at = spec.indexOf('@', 1);
  return at < 0 ? { name: spec } : { name: spec.slice(0, at), range: spec.slice(at + 1) };
}

/** `omega plugin search|install NAME[@RANGE]|upgrade [NAME]|rollback NAME|remove NAME|verify|source …`. */
export async function runMarketplaceAction(action: string, values: Values, args: string[]): Promise<number> {
  const json = values.json === true;
  const [first, ...more] = args;
  switch (action) {
    case 'search': {
      const { items } = await kernelApi(values).get('/api/v1/marketplace/search', {
        query: first === undefined ? {} : { q: first },
      });
      output(json, items, () =>
        items.length
          ? items
              .map((i) =>
                listingLine([
                  { text: i.name, width: 24 },
                  { text: i.latest ?? '-', width: 10 },
                  { text: i.publisher, width: 14 },
                  i.description ?? '',
                ]),
              )
              .join('\n')
          : 'no match',
      );
      return 0;
    }
    case 'info': {
      const r = await kernelApi(values).get('/api/v1/marketplace/plugins/{name}', {
        path: { name: first ?? '' },
      });
      output(json, r, () =>
        [
          listingLine([`${r.name}  publisher ${r.publisher}  source ${r.source}`]),
          listingLine([
            r.installed
              ? `installed ${r.installed.version}${r.installed.revoked ? ` — REVOKED: ${r.installed.revoked.reason}` : ''}`
              : 'not installed',
          ]),
          ...r.versions.map((v) =>
            listingLine([
              '',
              '',
              { text: v.version, width: 10 },
              `omega ${v.engines}${v.compatible ? '' : ' (incompatible)'}${v.status ? `  ${v.status.state}: ${v.status.reason}` : ''}  ${v.permissions.join(', ')}`,
            ]),
          ),
        ].join('\n'),
      );
      return 0;
    }
    case 'install':
      if (!first || more.length) throw new UsageError('plugin install needs NAME[@RANGE] or an archive file');
      try {
        return await change(values, { op: 'install', ...splitSpec(first) });
      } catch (e) {
        // A bare word is a plugin name; say how to mean the file of that name instead.
        if (e instanceof ApiError && existsSync(first))
          throw new ApiError(
            `${e.message} (to install the file ${first} here, write ./${first} or --file ${first})`,
            e.code,
            e.problem,
          );
        throw e;
      }
    case 'upgrade':
      if (more.length) throw new UsageError('plugin upgrade takes at most one name');
      return change(values, first ? { op: 'upgrade', name: first } : { op: 'upgrade' });
    case 'rollback':
      if (!first || more.length) throw new UsageError('plugin rollback needs exactly one name');
      return change(values, { op: 'rollback', name: first });
    case 'remove': {
      if (!first || more.length) throw new UsageError('plugin remove needs exactly one name');
      // --force: the kernel asks for the name as consent before it removes its auth provider
      const r = await kernelApi(values).post('/api/v1/marketplace/remove', {
        body: { name: first, ...(values.force === true ? { consent: first } : {}) },
      });
      output(json, r, () => `removed ${first}`);
      return 0;
    }
    case 'verify': {
      if (first !== undefined)
        throw new UsageError(
          `plugin verify takes no arguments (got ${args.join(' ')}): it verifies every source; omega plugin source list shows them`,
        );
      // No source, nothing to verify: said as what to give, not as exit 1 (a failed or revoking source's).
      const api = kernelApi(values);
      if ((await api.get('/api/v1/marketplace/sources')).items.length === 0)
        throw new UsageError(
          'plugin verify needs a marketplace source to verify, and none is added; add one with omega plugin source add NAME URL|DIR --root root.json',
        );
      const r = await api.post('/api/v1/marketplace/verify', { body: {} });
      output(json, r, () =>
        [
          ...r.sources.map((s) =>
            listingLine([
              `source ${s.source}: root v${s.root}, timestamp v${s.timestamp}, index v${s.index} — verified`,
            ]),
          ),
          ...r.failed.map((f) =>
            listingLine([
              `source ${f.name} (${f.location}): NOT VERIFIED — ${f.message} [${f.code}]; fix it or run omega plugin source remove ${f.name}`,
            ]),
          ),
          ...r.plugins.map((p) =>
            listingLine([
              `${p.name}@${p.version}: ${p.ok ? (p.checked ? 'ok' : 'not checked (its source failed)') : `REVOKED and stopped — ${p.revoked?.reason}`}`,
            ]),
          ),
        ].join('\n'),
      );
      return r.plugins.some((p) => !p.ok) || r.failed.length > 0 ? 1 : 0;
    }
    case 'source': {
      if (first === 'list' || first === undefined) {
        const { items } = await kernelApi(values).get('/api/v1/marketplace/sources');
        output(
          json,
          items,
          () =>
            items.map((s) => listingLine([{ text: s.name, width: 16 }, s.location])).join('\n') ||
            'no sources',
        );
        return 0;
      }
      if (first === 'remove') {
        const [name, ...others] = more;
        if (!name || others.length) throw new UsageError('plugin source remove NAME');
        const r = await kernelApi(values).delete('/api/v1/marketplace/sources/{name}', { path: { name } });
        output(json, r, () => `removed source ${name} (plugins installed from it stay installed)`);
        return 0;
      }
      const [name, location] = more;
      if (first !== 'add' || !name || !location || typeof values.root !== 'string')
        throw new UsageError(
          'plugin source add NAME URL|DIR --root ROOT.json  (or: plugin source list, plugin source remove NAME)',
        );
      const root = await readUserFile(values.root, "the marketplace source's root.json with --root");
      const r = await kernelApi(values).post('/api/v1/marketplace/sources', {
        body: { name, location, root },
      });
      output(json, r, () => `added source ${name} (${location}), root pinned`);
      return 0;
    }
  }
  throw new ApiError(`unknown marketplace action ${action}`, 'USAGE');
}
