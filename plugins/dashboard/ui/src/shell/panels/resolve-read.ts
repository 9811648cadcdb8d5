/*
 * The shell resolves a panel's read with the sdk's `resolveRead` (one definition: the SDK's test
 * helper `testPanel` in @omega/sdk/testing answers a panel's reads the same way).
 */
export { resolveRead } from '@omega/sdk/panel';
