import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseManifest } from '@omega/protocol';
import { decodeArchive } from '@omega/protocol/archive';
import type { InstallResult } from '../../kernel/index.js';
import { callApi } from '../api-client.js';
import { UsageError } from '../command.js';
import { output } from '../output.js';
import { resolveCliUrl } from '../target.js';

type Values = Record<string, string | boolean | undefined>;

/** `omega plugin trust <publisher.public.jwk>`: the kernel trusts a publisher key (through the API). */
export async function runPluginTrust(values: Values, keyFile: string): Promise<number> {
  let jwk: unknown;
  try {
    jwk = JSON.parse(await readFile(resolve(keyFile), 'utf8'));
  } catch (err) {
    throw new UsageError(
      `cannot read the publisher key ${keyFile} (${(err as Error).message}); give a *.public.jwk file`,
    );
  }
  const entry = (await callApi(values, 'POST', '/api/v1/plugins/publishers', { jwk })) as { kid: string };
  output(
    values.json === true,
    entry,
    () => `the kernel at ${resolveCliUrl(values)} now trusts publisher ${entry.kid}`,
  );
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
  const data = (await callApi(values, 'POST', `/api/v1/plugins/install?${query}`, bytes)) as InstallResult;
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
