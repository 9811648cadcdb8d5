import type { z } from 'zod';
import type { CapabilityDescriptor } from '../capabilities/capability-descriptor.js';

/**
 * One host call in the protocol: its argument schema, its result type (carried as a type
 * only) and the permission it needs, derived from the validated arguments.
 */
export interface HostCallSpec<A extends z.ZodType = z.ZodType, R = unknown> {
  readonly args: A;
  readonly permission: (args: z.output<A>) => CapabilityDescriptor | null;
  /** Largest argument JSON for this call, bytes (checked before parsing; below the plugin's maxCallBytes). */
  readonly maxBytes?: number;
  /** Type-level only: never set at run time. */
  readonly result?: R;
}

/** Declares a host call with result type `R`: `defineHostCall<R>()({ args, permission })`. */
export const defineHostCall =
  <R>() =>
  <A extends z.ZodType>(spec: {
    args: A;
    permission: (args: z.output<A>) => CapabilityDescriptor | null;
    maxBytes?: number;
  }): HostCallSpec<A, R> =>
    spec;
