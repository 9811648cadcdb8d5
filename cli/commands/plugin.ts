import type { PluginView } from '../../kernel/index.js';
import { actionError } from '../action-error.js';
import { type Command, nestedActions, UsageError } from '../command.js';
import { kernelApi } from '../kernel-api.js';
import { fieldLine, listingLine } from '../listing-line.js';
import { output } from '../output.js';
import { refuseFileOnlyFlags, runPluginInstall, runPluginTrust } from './plugin-install.js';
import {
  isArchiveArg,
  MARKETPLACE_ACTIONS,
  runMarketplaceAction,
  SOURCE_ACTIONS,
} from './plugin-marketplace.js';

const ACTIONS = [
  'list',
  'info',
  'enable',
  'disable',
  'reload',
  'install',
  'trust',
  ...MARKETPLACE_ACTIONS,
] as const;

/** The kernel route of each lifecycle action on one plugin. */
const LIFECYCLE = {
  enable: '/api/v1/plugins/{name}/enable',
  disable: '/api/v1/plugins/{name}/disable',
  reload: '/api/v1/plugins/{name}/reload',
} as const;

/** The header of `plugin list`, over {@link line}'s columns (like the other listings'). */
const LIST_HEAD = listingLine([
  { text: 'NAME', width: 20 },
  { text: 'VERSION', width: 10 },
  { text: 'STATUS', width: 12 },
  '',
  'REASON',
]);

function line(p: PluginView): string {
  const why = p.reasons[0] ? p.reasons[0].message : p.runtime?.reason || undefined;
  return listingLine([
    { text: p.name, width: 20 },
    { text: p.version, width: 10 },
    { text: p.status, width: 12 },
    ...(why === undefined ? [] : ['', `(${why})`]),
  ]);
}

function details(p: PluginView): string {
  const lines = [
    listingLine([`${p.name} ${p.version}  ${p.status}${p.enabled ? '' : ' (disabled)'}`]),
    listingLine([p.description ?? '']),
    fieldLine('folder', p.dir),
    fieldLine('permissions', p.permissions.declared.join(', ') || '(none)'),
  ];
  if (p.permissions.missing.length) lines.push(fieldLine('not granted', p.permissions.missing.join(', ')));
  if (p.permissions.denied.length) lines.push(fieldLine('denied', p.permissions.denied.join(', ')));
  for (const r of p.routes) lines.push(fieldLine('route', `${r.method} ${r.path}  [${r.permission}]`));
  for (const s of p.services) lines.push(fieldLine('service', s));
  for (const r of p.reasons) lines.push(fieldLine('reason', `${r.code}: ${r.message}`));
  if (p.runtime) {
    lines.push(
      fieldLine(
        'runtime',
        `pid ${p.runtime.pid ?? '-'}, restarts ${p.runtime.restarts}, denied calls ${p.runtime.deniedCalls}`,
      ),
    );
    if (p.runtime.lastCrash) lines.push(fieldLine('last crash', p.runtime.lastCrash.reason));
  }
  return lines.filter(Boolean).join('\n');
}

/** `omega plugin list|info|enable|disable|reload`: the plugin lifecycle through the admin API. */
export const pluginCommand: Command = {
  name: 'plugin',
  summary: 'List plugins, show one, or enable, disable or reload one while the kernel keeps serving.',
  usage:
    'omega plugin <list|info NAME [--remote]|enable NAME|disable NAME [--force]|reload NAME|install ./FILE.omega-plugin [--approve] [--trust KEY]|upgrade ./FILE.omega-plugin [--approve] [--trust KEY]|trust KEY|search [TEXT]|install NAME[@RANGE] [--yes|--approve]|upgrade [NAME]|rollback NAME [--yes|--approve]|remove NAME [--force]|verify|source add NAME URL|DIR --root FILE|source list|source remove NAME> [--url URL | --context NAME] [--token TOKEN] [--json]',
  // --url, --context and --token are the global flags (cli/main.ts), resolved by resolveTarget
  options: {
    'data-dir': { type: 'string', description: 'Where to find admin-token (default ./data)' },
    json: { type: 'boolean', description: 'Print JSON' },
    yes: {
      type: 'boolean',
      for: ['install', 'upgrade', 'rollback'],
      description:
        'install/upgrade/rollback: confirm a change that asks for nothing new (never approves an escalation)',
    },
    grant: { type: 'string', description: 'removed: use --approve, then narrow grants through the API' },
    file: {
      type: 'string',
      for: ['install', 'upgrade'],
      description: 'install/upgrade: the packed plugin file (or give a path with /)',
    },
    downgrade: {
      type: 'boolean',
      for: ['install', 'upgrade'],
      description: 'install/upgrade FILE: allow an older version than installed',
    },
    trust: {
      type: 'string',
      for: ['install', 'upgrade'],
      description: 'install/upgrade FILE: first trust this publisher public JWK (see trust)',
    },
    approve: {
      type: 'boolean',
      for: ['install', 'upgrade', 'rollback'],
      description:
        'install/upgrade/rollback (file or marketplace): approve the diff shown, escalations included',
    },
    root: {
      type: 'string',
      for: ['source add'],
      description: 'source add: the root.json to pin for the new marketplace source',
    },
    force: {
      type: 'boolean',
      for: ['disable', 'remove'],
      description:
        "disable, remove: also the kernel's auth provider (the security plugin), which ends every sign-in",
    },
    remote: {
      type: 'boolean',
      for: ['info'],
      description: 'info: show what the marketplace offers for NAME',
    },
  },
  actions: nestedActions(ACTIONS, { source: SOURCE_ACTIONS }),
  async run(values, positionals) {
    const [action, name, ...extra] = positionals;
    const json = values.json === true;
    if (!action || !(ACTIONS as readonly string[]).includes(action)) {
      throw actionError('plugin', action, ACTIONS);
    }
    if (action === 'list') {
      if (name) throw new UsageError('plugin list takes no name');
      const { items } = await kernelApi(values).get('/api/v1/plugins');
      output(json, items, () =>
        items.length ? [LIST_HEAD, ...items.map(line)].join('\n') : 'no plugins installed',
      );
      return 0;
    }
    const rest = [name, ...extra].filter((a): a is string => a !== undefined);
    if (action !== 'upgrade' && (MARKETPLACE_ACTIONS as readonly string[]).includes(action))
      return runMarketplaceAction(action, values, rest);
    const file = typeof values.file === 'string' ? values.file : undefined;
    if ((action === 'install' || action === 'upgrade') && (file || (name && isArchiveArg(name)))) {
      if (file ? rest.length : extra.length)
        throw new UsageError(
          `plugin ${action} takes one packed plugin file (./NAME.omega-plugin or --file PATH)`,
        );
      return runPluginInstall(values, file ?? name!, action);
    }
    // The marketplace path: a NAME (or none, for upgrade), where the file-only flags mean nothing.
    if (action === 'install' || action === 'upgrade') refuseFileOnlyFlags(values, action);
    if (action === 'install' && name && !extra.length) return runMarketplaceAction('install', values, rest);
    if (action === 'upgrade') return runMarketplaceAction('upgrade', values, rest);
    if (action === 'info' && name && values.remote === true)
      return runMarketplaceAction('info', values, rest);
    if (!name || extra.length)
      throw new UsageError(
        action === 'trust'
          ? 'plugin trust needs exactly one publisher public key file (PUBLISHER.public.jwk)'
          : `plugin ${action} needs exactly one plugin name`,
      );
    if (action === 'trust') return runPluginTrust(values, name);
    const api = kernelApi(values);
    const path = { name };
    const view =
      action === 'info'
        ? await api.get('/api/v1/plugins/{name}', { path })
        : action === 'disable'
          ? // --force: the kernel asks for the name as consent before it disables its auth provider
            await api.post(LIFECYCLE.disable, { path, query: values.force === true ? { consent: name } : {} })
          : await api.post(LIFECYCLE[action as keyof typeof LIFECYCLE], { path });
    output(json, view, () => (action === 'info' ? details(view) : line(view)));
    return 0;
  },
};
