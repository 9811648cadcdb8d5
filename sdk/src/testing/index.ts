/*
 * @omega/sdk/testing: the plugin test harness. The harness starts a real kernel, so it lives in
 * the kernel's package (`omega/testing`, an optional peer dependency of the sdk); this entry
 * loads it from there and says what to install when it is missing. `testPanel` checks a plugin's
 * dashboard panel through that kernel.
 */
import type * as KernelTesting from 'omega/testing';
import { loadKernelTesting } from './load-kernel-testing.js';

export type { TestKernel, TestKernelOptions } from 'omega/testing';

/**
 * Starts a real Omega kernel with the plugin under test loaded in the real sandbox (see
 * `omega/testing`): `await startTestKernel({ plugin: dir })`. Needs the `omega` package installed
 * beside the sdk or in the plugin's project.
 */
export async function startTestKernel(
  opts: KernelTesting.TestKernelOptions,
): Promise<KernelTesting.TestKernel> {
  return (await loadKernelTesting()).startTestKernel(opts);
}

export {
  type ListedPanel,
  type PanelTestKernel,
  type ServedPanelPage,
  type TestPanel,
  type TestPanelOptions,
  testPanel,
} from './test-panel.js';
