import type { KernelApi } from '../../kernel-api.js';
import type { Values } from './flags.js';

/** What one `omega sessions` action does with its flags and the positionals after it; returns the exit code. */
export type ActionHandler = (values: Values, args: string[], api: KernelApi) => Promise<number>;
