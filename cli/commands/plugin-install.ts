import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseManifest } from '@omega/protocol';
import { decodeArchive } from '@omega/protocol/archive';
import type { InstallResult } from '../../kernel/index.js';
import { trustedPublishersFile, trustPublisher } from '../../kernel/index.js';
import { ApiError } from '../api-client.js';
import { UsageError } from '../command.js';
import { output } from '../output.js';
import { resolveCliToken, resolveCliUrl } from '../target.js';

type Values = Record<string, string | boolean | undefined>;

const dataDirOf = (values: Values) =>
  resolve(String(values['data-dir'] ?? process.env.OMEGA_DATA_DIR ?? './data'));

/** `omega plugin trust <publisher.public.jwk> [--data-dir]`: add a publisher key to the trust file. */
export async function runPluginTrust(values: Values, keyFile: string): Promise<number> {
  const jwk = JSON.parse(await readFile(resolve(keyFile), 'utf8')) as unknown;
  const file = trustedPublishersFile(dataDirOf(values));
  const entry = await trustPublisher(file, jwk);
  output(values.json === true, entry, () => `trusted publisher ${entry.kid} (${file})`);
  return 0;
}

/**
 * `omega plugin install <file> [--yes | --grant a,b] [--trust publisher.public.jwk]`: shows what
 * the plugin asks for, requires explicit consent, then posts the archive to the kernel, which
 * verifies, places, grants and starts it.
 */
export async function runPluginInstall(values: Values, file: string): Promise<number> {
  const bytes = await readFile(resolve(file));
  const manifest = parseManifest(decodeArchive(bytes).manifest, `${file}: plugin.json`);
  const asked = manifest.permissions;
  const log = (s: string) => (values.json === true ? undefined : process.stderr.write(`${s}\n`));
  log(`${manifest.name}@${manifest.version} asks for: ${asked.join(', ') || '(nothing)'}`);
  let grant: string[] | 'all';
  if (values.yes === true) grant = 'all';
  else if (typeof values.grant === 'string')
    grant = values.grant
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  else if (asked.length === 0) grant = [];
  else
    throw new UsageError('review the permissions above; grant them with --yes (all) or --grant p1,p2 (some)');
  if (typeof values.trust === 'string') await runPluginTrust({ ...values, json: false }, values.trust);

  const query = new URLSearchParams();
  for (const g of grant === 'all' ? ['all'] : grant) query.append('grant', g);
  const url = `${resolveCliUrl(values)}/api/v1/plugins/install?${query}`;
  const token = resolveCliToken(values);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: bytes,
      signal: AbortSignal.timeout(60_000),
    });
  } catch (err) {
    throw new ApiError(`no kernel at ${resolveCliUrl(values)} (${(err as Error).message})`, 'UNREACHABLE');
  }
  const data = (await res.json().catch(() => ({}))) as InstallResult & { detail?: string; code?: string };
  if (!res.ok) throw new ApiError(data.detail ?? `HTTP ${res.status}`, data.code ?? `HTTP_${res.status}`);
  const status = (data.started as { status?: string } | undefined)?.status ?? 'installed';
  output(values.json === true, data, () =>
    [
      `installed ${data.name}@${data.version}${data.previousVersion ? ` (was ${data.previousVersion})` : ''}, signed by ${data.publisher.kid}: ${status}`,
      data.missing.length ? `not granted: ${data.missing.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return 0;
}
