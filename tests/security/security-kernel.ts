import { copyFileSync, cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelConfigInput } from '../../kernel/config/index.js';
import { createLogger } from '../../kernel/log/index.js';
import { type NamespaceView, openStorage } from '../../kernel/storage/index.js';
import { buildPlugin } from '../../sdk/src/build/index.js';
import { removeAtFileEnd, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';

const REPO_PLUGINS = join(import.meta.dirname, '..', '..', 'plugins');

/** A password that satisfies the policy. */
export const GOOD_PASSWORD = 'correct horse battery staple';

/**
 * A real kernel with the security plugin loaded the way a third-party plugin is: its built
 * folder (dist/plugin.json + dist/plugin.js) copied into a plugins folder of its own, next to the
 * repository's default grants (plugins/grants.json) which seed the operator's grants file.
 */
export async function startSecurityKernel(overrides: KernelConfigInput = {}): Promise<TempKernel> {
  const dir = await securityPluginsDir();
  return startTempKernel({ ...overrides, plugins: { dirs: [dir], warmHosts: 0, ...overrides.plugins } });
}

/** Builds the plugin and copies it (and the default grants) into a fresh plugins folder, removed at the file's end. */
export async function securityPluginsDir(): Promise<string> {
  // types: the root `npm run check` covers plugins/
  await buildPlugin(join(REPO_PLUGINS, 'security'), { typecheck: false });
  const dir = mkdtempSync(join(tmpdir(), 'omega-sec-plugins-'));
  removeAtFileEnd(dir);
  mkdirSync(join(dir, 'security', 'dist'), { recursive: true });
  cpSync(join(REPO_PLUGINS, 'security', 'dist'), join(dir, 'security', 'dist'), { recursive: true });
  copyFileSync(join(REPO_PLUGINS, 'grants.json'), join(dir, 'grants.json'));
  return dir;
}

/** JSON request helper: method, path, body, token (admin token by default). */
export async function call(
  k: TempKernel,
  method: string,
  path: string,
  body?: unknown,
  token?: string | false,
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers field by field
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await k.api(path, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    ...(token === undefined ? {} : { token }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** Creates a user with `roles` (through the API, with the admin token) and signs in. */
export async function userWithRoles(
  k: TempKernel,
  username: string,
  roles: string[],
): Promise<{ id: string; accessToken: string; refreshToken: string }> {
  const created = await call(k, 'POST', '/api/v1/security/users', {
    username,
    password: GOOD_PASSWORD,
    roles,
  });
  if (created.status !== 201)
    throw new Error(`create ${username}: ${created.status} ${JSON.stringify(created.body)}`);
  const login = await call(k, 'POST', '/api/v1/security/login', { username, password: GOOD_PASSWORD }, false);
  if (login.status !== 200)
    throw new Error(`login ${username}: ${login.status} ${JSON.stringify(login.body)}`);
  return { id: created.body.id, accessToken: login.body.accessToken, refreshToken: login.body.refreshToken };
}

/**
 * Edits a plugin's storage namespace in the data dir of a STOPPED kernel with the kernel's own
 * storage code: what a disk editor who knows the format can do (tests of tamper detection).
 */
export async function editStoppedStorage(
  dataDir: string,
  ns: string,
  fn: (view: NamespaceView) => Promise<void>,
): Promise<void> {
  const storage = await openStorage({ dataDir, logger: createLogger({ level: 'silent' }) });
  try {
    await fn(storage.namespace(ns));
    await storage.flush();
  } finally {
    await storage.close();
  }
}
