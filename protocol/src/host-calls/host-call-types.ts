import type { z } from 'zod';
import { HOST_CALLS } from './host-calls.js';

/** Every host call name, e.g. `storage.get`. */
export type HostCallName = keyof typeof HOST_CALLS;

/** The (validated) argument object of host call `N`. */
export type HostCallArgs<N extends HostCallName> = z.output<(typeof HOST_CALLS)[N]['args']>;

/** What host call `N` resolves to inside the plugin. */
export type HostCallResult<N extends HostCallName> = (typeof HOST_CALLS)[N] extends {
  readonly result?: infer R;
}
  ? R
  : never;

/** Every host call name, as a run-time list. */
export const HOST_CALL_NAMES = Object.keys(HOST_CALLS) as HostCallName[];

/** True when `name` is a host call of the protocol (own keys only). */
export function isHostCallName(name: string): name is HostCallName {
  return Object.hasOwn(HOST_CALLS, name);
}
