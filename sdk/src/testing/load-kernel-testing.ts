import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { omegaError } from '@omega/protocol';
import type * as KernelTesting from 'omega/testing';

let loading: Promise<typeof KernelTesting> | undefined;

const notFound = (err: unknown): boolean => {
  const code = (err as { code?: unknown }).code;
  return (
    code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED'
  );
};

/** `omega/testing` resolved from the plugin's project (the working directory), when the sdk cannot see it. */
async function fromProject(): Promise<typeof KernelTesting> {
  const path = createRequire(join(process.cwd(), 'package.json')).resolve('omega/testing');
  return (await import(pathToFileURL(path).href)) as typeof KernelTesting;
}

/**
 * Loads the kernel's test harness (`omega/testing`): as the sdk resolves it (omega installed
 * beside the sdk), else from the working directory's project. Missing: one coded error naming
 * the package to install.
 */
export function loadKernelTesting(): Promise<typeof KernelTesting> {
  loading ??= import('omega/testing').catch(async (err: unknown) => {
    if (!notFound(err)) throw err;
    try {
      return await fromProject();
    } catch (again) {
      if (!notFound(again)) throw again;
      loading = undefined;
      throw omegaError(
        'OMEGA_ERR_NOT_FOUND',
        'The Omega kernel is not installed (package "omega", which provides omega/testing): npm install --save-dev omega@file:<path to omega-<version>.tgz> (npm run pack:all in an Omega checkout makes the tarball).',
      );
    }
  });
  return loading;
}
