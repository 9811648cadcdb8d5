import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import WebSocket from 'ws';
import type { Plan, PlanStep } from '../../marketplace/index.js';
import { ApiError, callApi, currentToken } from '../api-client.js';
import { UsageError } from '../command.js';
import { output } from '../output.js';
import { resolveCliUrl } from '../target.js';

type Values = Record<string, string | boolean | undefined>;

/** `omega plugin` actions served by the marketplace. */
export const MARKETPLACE_ACTIONS = ['search', 'upgrade', 'rollback', 'remove', 'verify', 'source'] as const;

const P = '/api/v1/marketplace';
const err = (s: string) => process.stderr.write(`${s}\n`);

/** True when `install`'s argument names a packed plugin file rather than `name[@range]`. */
export const isArchiveArg = (arg: string): boolean =>
  /[/\\]|\.(omp|tgz|gz|json)$/i.test(arg) || existsSync(arg);

/** The permission diff of a plan as the operator reads it. */
export function renderPlan(plan: Plan): string {
  const lines: string[] = [];
  const step = (s: PlanStep) => {
    lines.push(
      `${s.name}: ${s.from ?? '(not installed)'} → ${s.to}  from ${s.source}, publisher ${s.publisher}`,
    );
    for (const p of s.diff.added) lines.push(`  + ${p}`);
    for (const w of s.diff.widened) lines.push(`  ↑ ${w.from} → ${w.to}`);
    for (const p of s.diff.removed) lines.push(`  - ${p}`);
    for (const l of s.diff.largerLimits) lines.push(`  ↑ limit ${l.limit} ${l.from} → ${l.to}`);
    if (s.diff.publisherKey)
      lines.push(`  ! publisher key changed: ${s.diff.publisherKey.from} → ${s.diff.publisherKey.to}`);
  };
  plan.steps.forEach(step);
  if (plan.steps.length === 0) lines.push('nothing to change');
  else lines.push(plan.escalating ? 'This asks for more than is granted now.' : 'No new permissions.');
  return lines.join('\n');
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
 * Runs a change (install/upgrade/rollback): plans it, shows the permission diff, then applies
 * it with the plan's consent digest once the operator approved — interactively, or with
 * `--approve` (the escalation shown), or `--yes` (only when nothing escalates).
 */
async function change(
  values: Values,
  verb: 'install' | 'upgrade' | 'rollback',
  body: Record<string, string>,
) {
  const json = values.json === true;
  const plan = (await callApi(values, 'POST', `${P}/plan`, { op: verb, ...body })) as Plan;
  if (!json) err(renderPlan(plan));
  if (plan.steps.length === 0) {
    output(json, plan, () => 'up to date');
    return 0;
  }
  let ok = plan.escalating ? values.approve === true : values.yes === true || values.approve === true;
  if (!ok && !json) ok = await confirm(plan.escalating ? 'Grant these permissions?' : 'Proceed?');
  if (!ok) {
    throw new UsageError(
      plan.escalating
        ? 'this change asks for more permissions: review the diff above and re-run with --approve (--yes is not enough)'
        : 'confirm with --yes',
    );
  }
  const done = await withProgress(values, json, () =>
    callApi(values, 'POST', `${P}/${verb}`, { ...body, consent: plan.consent }),
  );
  output(json, done, () =>
    plan.steps.map((s) => `${s.name} ${s.from ?? '(new)'} → ${s.to}: running`).join('\n'),
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
      const { items } = (await callApi(
        values,
        'GET',
        `${P}/search?q=${encodeURIComponent(first ?? '')}`,
      )) as {
        items: Array<{ name: string; latest?: string; publisher: string; description?: string }>;
      };
      output(json, items, () =>
        items.length
          ? items
              .map(
                (i) =>
                  `${i.name.padEnd(24)} ${(i.latest ?? '-').padEnd(10)} ${i.publisher.padEnd(14)} ${i.description ?? ''}`,
              )
              .join('\n')
          : 'no match',
      );
      return 0;
    }
    case 'info': {
      const r = (await callApi(values, 'GET', `${P}/plugins/${encodeURIComponent(first ?? '')}`)) as {
        name: string;
        source: string;
        publisher: string;
        installed?: { version: string; revoked?: { reason: string } };
        versions: Array<{
          version: string;
          status?: { state: string; reason: string };
          engines: string;
          compatible: boolean;
          permissions: string[];
        }>;
      };
      output(json, r, () =>
        [
          `${r.name}  publisher ${r.publisher}  source ${r.source}`,
          r.installed
            ? `installed ${r.installed.version}${r.installed.revoked ? ` — REVOKED: ${r.installed.revoked.reason}` : ''}`
            : 'not installed',
          ...r.versions.map(
            (v) =>
              `  ${v.version.padEnd(10)} omega ${v.engines}${v.compatible ? '' : ' (incompatible)'}${v.status ? `  ${v.status.state}: ${v.status.reason}` : ''}  ${v.permissions.join(', ')}`,
          ),
        ].join('\n'),
      );
      return 0;
    }
    case 'install':
      if (!first || more.length) throw new UsageError('plugin install needs NAME[@RANGE] or an archive file');
      return change(values, 'install', splitSpec(first) as Record<string, string>);
    case 'upgrade':
      if (more.length) throw new UsageError('plugin upgrade takes at most one name');
      return change(values, 'upgrade', first ? { name: first } : {});
    case 'rollback':
      if (!first || more.length) throw new UsageError('plugin rollback needs exactly one name');
      return change(values, 'rollback', { name: first });
    case 'remove': {
      if (!first || more.length) throw new UsageError('plugin remove needs exactly one name');
      const r = await callApi(values, 'POST', `${P}/remove`, { name: first });
      output(json, r, () => `removed ${first}`);
      return 0;
    }
    case 'verify': {
      const r = (await callApi(values, 'POST', `${P}/verify`)) as {
        sources: Array<{ source: string; root: number; timestamp: number; index: number }>;
        plugins: Array<{ name: string; version: string; ok: boolean; revoked?: { reason: string } }>;
      };
      output(json, r, () =>
        [
          ...r.sources.map(
            (s) =>
              `source ${s.source}: root v${s.root}, timestamp v${s.timestamp}, index v${s.index} — verified`,
          ),
          ...r.plugins.map(
            (p) => `${p.name}@${p.version}: ${p.ok ? 'ok' : `REVOKED and stopped — ${p.revoked?.reason}`}`,
          ),
        ].join('\n'),
      );
      return r.plugins.some((p) => !p.ok) ? 1 : 0;
    }
    case 'source': {
      if (first === 'list' || first === undefined) {
        const { items } = (await callApi(values, 'GET', `${P}/sources`)) as {
          items: Array<{ name: string; location: string }>;
        };
        output(
          json,
          items,
          () => items.map((s) => `${s.name.padEnd(16)} ${s.location}`).join('\n') || 'no sources',
        );
        return 0;
      }
      const [name, location] = more;
      if (first !== 'add' || !name || !location || typeof values.root !== 'string')
        throw new UsageError('plugin source add NAME URL|DIR --root ROOT.json  (or: plugin source list)');
      const root = await readFile(values.root, 'utf8');
      const r = await callApi(values, 'POST', `${P}/sources`, { name, location, root });
      output(json, r, () => `added source ${name} (${location}), root pinned`);
      return 0;
    }
  }
  throw new ApiError(`unknown marketplace action ${action}`, 'USAGE');
}
