import type { InstallResult } from '../../kernel/index.js';
import type { Plan } from '../../marketplace/index.js';
import { ApiError } from '../api-client.js';
import type { ApiQuery } from '../api-types.js';
import { UsageError } from '../command.js';
import { kernelApi } from '../kernel-api.js';
import { listingLine } from '../listing-line.js';
import { output } from '../output.js';
import { readJsonFile } from '../read-json-file.js';
import { readUserFile } from '../read-user-file.js';
import { resolveCliUrl } from '../target.js';
import { approvePlan, LONG_OPERATION_MS, renderPlan } from './plugin-marketplace.js';

type Values = Record<string, string | boolean | undefined>;

/**
 * The flags only a packed plugin file takes, each with what a marketplace does instead: its
 * publishers are trusted through its signed index, and it goes to an older version when asked
 * for one (the kernel's file install refuses one unless told).
 */
const FILE_ONLY_FLAGS = {
  trust: {
    given: '--trust KEY',
    instead:
      "a marketplace's publishers are trusted through its signed index (omega plugin source add … --root)",
  },
  downgrade: {
    given: '--downgrade',
    instead: 'from a marketplace, name the older version (NAME@VERSION) or run omega plugin rollback NAME',
  },
} as const;

/**
 * Refuses `--trust` and `--downgrade` on a marketplace install or upgrade (a NAME, not a file),
 * which ignored them: a usage error naming the file form they belong to and what to do instead.
 */
export function refuseFileOnlyFlags(values: Values, action: 'install' | 'upgrade'): void {
  for (const [flag, { given, instead }] of Object.entries(FILE_ONLY_FLAGS))
    if (values[flag] !== undefined)
      throw new UsageError(
        `--${flag} is for a packed plugin file (plugin ${action} ./NAME.omega-plugin ${given}), not a marketplace ${action}; ${instead}`,
      );
}

/** `omega plugin trust <publisher.public.jwk>`: the kernel trusts a publisher key (through the API). */
export async function runPluginTrust(values: Values, keyFile: string): Promise<number> {
  const jwk = await readJsonFile(keyFile, 'the publisher key, a *.public.jwk file');
  if (jwk !== null && typeof jwk === 'object' && 'd' in jwk) {
    // Refused here, so a private key never leaves this machine (the kernel would refuse it too).
    throw new UsageError(
      `${keyFile} is a private key; trust the publisher's public key (*.public.jwk), and keep this one secret`,
    );
  }
  const entry = await kernelApi(values).post('/api/v1/plugins/publishers', {
    body: { jwk: jwk as Record<string, unknown> },
  });
  output(
    values.json === true,
    entry,
    () => `the kernel at ${resolveCliUrl(values)} now trusts publisher ${entry.kid}`,
  );
  return 0;
}

/** What the kernel answers an install of a file: the install, and the plan it carried out. */
type FileInstalled = InstallResult & { plan: Plan };

/**
 * `omega plugin install ./FILE` / `omega plugin upgrade ./FILE`: sends the packed plugin to the
 * kernel, which installs it at once when it asks for nothing beyond what the installed version
 * was approved for. Otherwise the kernel answers 409 with the plan: the diff is shown (only
 * what changes), approved interactively or by `--approve` (never by `--yes`), and the archive
 * is sent again with the plan's consent digest. The installed version serves until then.
 */
export async function runPluginInstall(
  values: Values,
  file: string,
  mode: 'install' | 'upgrade' = 'install',
): Promise<number> {
  if (typeof values.grant === 'string')
    throw new UsageError(
      '--grant is gone: approve the diff the kernel shows with --approve, then narrow grants with PUT /api/v1/plugins/NAME/grants',
    );
  const bytes = await readUserFile(file, 'the path of a .omega-plugin file (omega-plugin pack)', {
    as: 'bytes',
  });
  if (typeof values.trust === 'string') await runPluginTrust({ ...values, json: false }, values.trust);
  const log = (s: string) => (values.json === true ? undefined : process.stderr.write(`${s}\n`));
  const query: ApiQuery<'/api/v1/plugins/install', 'post'> = {};
  if (mode === 'upgrade') query.upgrade = 'true';
  if (values.downgrade === true) query.downgrade = 'true';
  // The archive goes as application/octet-stream (the document's body); the query is typed.
  const post = () =>
    kernelApi(values).post('/api/v1/plugins/install', {
      query,
      unchecked: { bytes },
      timeoutMs: LONG_OPERATION_MS,
    });
  let data: FileInstalled;
  try {
    data = (await post()) as FileInstalled;
  } catch (err) {
    const plan =
      err instanceof ApiError && err.code === 'OMEGA_ERR_CONSENT_REQUIRED'
        ? (err.problem.plan as Plan | undefined)
        : undefined;
    if (!plan) throw err;
    log(renderPlan(plan));
    await approvePlan(values, plan);
    query.consent = plan.consent;
    data = (await post()) as FileInstalled;
  }
  const status = (data.started as { status?: string } | undefined)?.status ?? 'installed';
  output(values.json === true, data, () =>
    [
      // The publisher's name is someone else's text: one line, a newline in it shown as \n.
      listingLine([
        `installed ${data.name}@${data.version}${data.previousVersion ? ` (was ${data.previousVersion})` : ''}, signed by ${data.publisher.name ?? data.publisher.kid}: ${status}`,
      ]),
      data.denied.length
        ? listingLine([`still denied (your earlier decision): ${data.denied.join(', ')}`])
        : '',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return 0;
}
