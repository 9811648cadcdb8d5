import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../kernel/index.js';
import {
  generatePrivateJwk,
  loadSigningKey,
  type RootDoc,
  type SigningKey,
} from '../../marketplace/metadata/index.js';
import {
  addPublisher,
  addRelease,
  bumpTimestamp,
  initRepository,
  readRepoDocument,
  rotateRoot,
  serveDirectory,
  setReleaseStatus,
} from '../../marketplace/publish/index.js';
import { actionError } from '../action-error.js';
import { type Command, UsageError } from '../command.js';
import { intFlag } from '../int-flag.js';
import { output } from '../output.js';
import { readJsonFile } from '../read-json-file.js';

type Values = Record<string, string | boolean | undefined>;
/** A string flag for the actions that read it (any other refuses it: a usage error, not a silent no-op). */
const str = (description: string, ...actions: string[]) => ({
  type: 'string' as const,
  description,
  for: actions,
});
const ACTIONS = [
  'keygen',
  'init',
  'add-publisher',
  'add-release',
  'yank',
  'revoke',
  'timestamp',
  'rotate-root',
  'serve',
];

async function keysOf(values: Values, flag: string, required = true): Promise<SigningKey[]> {
  const list = typeof values[flag] === 'string' ? (values[flag] as string).split(',').filter(Boolean) : [];
  if (required && list.length === 0)
    throw new UsageError(`--${flag} needs one or more private key files (comma-separated)`);
  return Promise.all(
    list.map(async (f) =>
      loadSigningKey(await readJsonFile(f, `--${flag}: a private key file (*.private.jwk)`), f),
    ),
  );
}

const threshold = (values: Values, flag: string, fallback: number) => {
  const n = Number(values[flag] ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} must be a positive integer`);
  return n;
};

/** The actions that change the index and sign it (afterIndexChange): each takes the index and timestamp keys. */
const INDEX_CHANGES = ['add-publisher', 'add-release', 'yank', 'revoke'];

/** Signs the index change and, when timestamp keys are given, the timestamp that pins it. */
async function afterIndexChange(values: Values, dir: string): Promise<string> {
  const ts = await keysOf(values, 'timestamp-keys', false);
  if (ts.length === 0) return 'index signed; run omega marketplace timestamp to publish it';
  const t = await bumpTimestamp({ dir, keys: ts });
  return `index v${t.index.version} signed and pinned by timestamp v${t.version}`;
}

/** `omega marketplace …`: tools for marketplace owners (keys, index, releases, timestamp, serving). */
export const marketplaceCommand: Command = {
  name: 'marketplace',
  summary:
    'Run a plugin marketplace: keys, signed root/index/timestamp, publishers, releases, yank/revoke, serve.',
  usage: [
    'omega marketplace keygen DIR [--name NAME]',
    '  | init DIR --root-keys a,b,c [--root-threshold 2] --timestamp-keys t --index-keys i',
    '  | add-publisher DIR NAME --publisher-key pub.jwk --index-keys i [--timestamp-keys t]',
    '  | add-release DIR ARTIFACT --publisher NAME --publisher-key priv.jwk --index-keys i [--timestamp-keys t]',
    '  | yank|revoke DIR NAME@VERSION --reason TEXT --index-keys i [--timestamp-keys t]',
    '  | timestamp DIR --timestamp-keys t [--expires-in SECONDS]',
    '  | rotate-root DIR --root-keys NEW --root-threshold N --timestamp-keys t --index-keys i --sign-keys old1,new1,…',
    '  | serve DIR [--port N] [--host 127.0.0.1]   (DIR made by init: serves only root.json, N.root.json,',
    '                                           index.json, timestamp.json and artifacts/*.omp; keep keys elsewhere)',
  ].join('\n'),
  options: {
    name: str('keygen: file name prefix (default "key")', 'keygen'),
    'root-keys': str('private key files of the root role (comma-separated)', 'init', 'rotate-root'),
    'root-threshold': str('root signatures needed (default 2, or 1 with one key)', 'init', 'rotate-root'),
    'timestamp-keys': str(
      'private key files of the timestamp role',
      ...INDEX_CHANGES,
      'init',
      'timestamp',
      'rotate-root',
    ),
    'timestamp-threshold': str('timestamp signatures needed (default 1)', 'init', 'rotate-root'),
    'index-keys': str('private key files of the index role', ...INDEX_CHANGES, 'init', 'rotate-root'),
    'index-threshold': str('index signatures needed (default 1)', 'init', 'rotate-root'),
    'sign-keys': str(
      'rotate-root: private key files that sign the new root, comma-separated: enough old root keys for the old threshold and enough new ones for the new',
      'rotate-root',
    ),
    publisher: str('add-release: the publisher name', 'add-release'),
    'publisher-key': str(
      'add-publisher: public JWK; add-release: private JWK that signs the release',
      'add-publisher',
      'add-release',
    ),
    reason: str('yank/revoke: why (shown to operators, signed)', 'yank', 'revoke'),
    'expires-in': str('timestamp: lifetime in seconds (default 86400)', 'timestamp'),
    port: str('serve: port (default 8700; 0 picks one)', 'serve'),
    host: str('serve: address (default 127.0.0.1)', 'serve'),
    json: { type: 'boolean', description: 'Print JSON' },
  },
  actions: ACTIONS,
  async run(values, positionals) {
    const [action, dirArg, arg, ...extra] = positionals;
    const json = values.json === true;
    if (!action || !ACTIONS.includes(action)) throw actionError('marketplace', action, ACTIONS);
    if (!dirArg) throw new UsageError(`marketplace ${action} needs a directory`);
    if (extra.length) throw new UsageError(`too many arguments: ${extra.join(' ')}`);
    const dir = resolve(dirArg);
    const say = (data: unknown, text: string) => {
      output(json, data, () => text);
      return 0;
    };
    switch (action) {
      case 'keygen': {
        const name = typeof values.name === 'string' ? values.name : 'key';
        const priv = join(dir, `${name}.private.jwk`);
        const pub = join(dir, `${name}.public.jwk`);
        if (existsSync(priv) || existsSync(pub))
          throw new UsageError(`${priv} or ${pub} exists; keys are never overwritten`);
        const jwk = generatePrivateJwk();
        const key = await loadSigningKey(jwk);
        await mkdir(dir, { recursive: true });
        await writeFileAtomic(
          priv,
          `${JSON.stringify({ ...jwk, kid: key.kid, alg: 'EdDSA', use: 'sig' }, null, 2)}\n`,
          { mode: 0o600 },
        );
        await writeFileAtomic(
          pub,
          `${JSON.stringify({ ...key.publicJwk, kid: key.kid, alg: 'EdDSA', use: 'sig' }, null, 2)}\n`,
          { mode: 0o644 },
        );
        return say(
          { kid: key.kid, privateKeyFile: priv, publicKeyFile: pub },
          `key ${key.kid}\n  ${priv} (secret)\n  ${pub}`,
        );
      }
      case 'init': {
        const root = await keysOf(values, 'root-keys');
        await initRepository({
          dir,
          root: { keys: root, threshold: threshold(values, 'root-threshold', Math.min(2, root.length)) },
          timestamp: {
            keys: await keysOf(values, 'timestamp-keys'),
            threshold: threshold(values, 'timestamp-threshold', 1),
          },
          index: {
            keys: await keysOf(values, 'index-keys'),
            threshold: threshold(values, 'index-threshold', 1),
          },
        });
        return say({ dir }, `marketplace created in ${dir}; operators pin ${join(dir, 'root.json')}`);
      }
      case 'add-publisher': {
        if (!arg || typeof values['publisher-key'] !== 'string')
          throw new UsageError('add-publisher DIR NAME --publisher-key pub.jwk');
        const jwk = await readJsonFile(values['publisher-key'], 'the publisher public key (*.public.jwk)');
        await addPublisher({
          dir,
          keys: await keysOf(values, 'index-keys'),
          name: arg,
          publisherKeys: [jwk as Parameters<typeof addPublisher>[0]['publisherKeys'][number]],
        });
        return say({ publisher: arg }, `publisher ${arg} added; ${await afterIndexChange(values, dir)}`);
      }
      case 'add-release': {
        if (!arg || typeof values.publisher !== 'string' || typeof values['publisher-key'] !== 'string')
          throw new UsageError('add-release DIR ARTIFACT --publisher NAME --publisher-key priv.jwk');
        const publisherKey = (await keysOf(values, 'publisher-key'))[0]!;
        const r = await addRelease({
          dir,
          keys: await keysOf(values, 'index-keys'),
          artifactFile: resolve(arg),
          publisher: values.publisher,
          publisherKey,
        });
        return say(
          { plugin: r.plugin, version: r.version },
          `release ${r.plugin}@${r.version} added; ${await afterIndexChange(values, dir)}`,
        );
      }
      case 'yank':
      case 'revoke': {
        const at = arg?.lastIndexOf('@') ?? -1;
        if (!arg || at < 1 || typeof values.reason !== 'string')
          throw new UsageError(`${action} DIR NAME@VERSION --reason TEXT`);
        const state = action === 'yank' ? 'yanked' : 'revoked';
        await setReleaseStatus({
          dir,
          keys: await keysOf(values, 'index-keys'),
          plugin: arg.slice(0, at),
          version: arg.slice(at + 1),
          state,
          reason: values.reason,
        });
        return say({ release: arg, state }, `${arg} ${state}; ${await afterIndexChange(values, dir)}`);
      }
      case 'timestamp': {
        const secs = values['expires-in'] === undefined ? undefined : Number(values['expires-in']);
        const t = await bumpTimestamp({
          dir,
          keys: await keysOf(values, 'timestamp-keys'),
          ...(secs ? { expiresInSec: secs } : {}),
        });
        return say(t, `timestamp v${t.version} pins index v${t.index.version} until ${t.expires}`);
      }
      case 'rotate-root': {
        const { body } = await readRepoDocument<RootDoc>(dir, 'root.json');
        const root = await keysOf(values, 'root-keys');
        const r = await rotateRoot({
          dir,
          previousVersion: body.version,
          roles: {
            root: { keys: root, threshold: threshold(values, 'root-threshold', Math.min(2, root.length)) },
            timestamp: {
              keys: await keysOf(values, 'timestamp-keys'),
              threshold: threshold(values, 'timestamp-threshold', 1),
            },
            index: {
              keys: await keysOf(values, 'index-keys'),
              threshold: threshold(values, 'index-threshold', 1),
            },
          },
          signers: await keysOf(values, 'sign-keys'),
        });
        return say(
          r,
          `root v${r.version} written (signed by the old and the new root keys); index v${r.index.version} and timestamp v${r.timestamp.version} re-signed with the new keys`,
        );
      }
      case 'serve': {
        if (!existsSync(join(dir, 'root.json')))
          throw new UsageError(
            `${dir} is not a marketplace (no root.json); create one with omega marketplace init DIR`,
          );
        const s = await serveDirectory(dir, {
          port: intFlag(values, 'port', { min: 0, max: 65535 }) ?? 8700,
          host: typeof values.host === 'string' ? values.host : '127.0.0.1',
        });
        process.stderr.write(`serving ${dir} at ${s.url} (read-only; Ctrl-C to stop)\n`);
        return new Promise<number>((done) => {
          const stop = () => void s.close().then(() => done(0));
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      }
    }
    return 2;
  },
};
