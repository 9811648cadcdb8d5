import type { z } from 'zod';
import type { CapabilityDescriptor } from '../capabilities/capability-kinds.js';

/**
 * How one `ctx` method inside the plugin's isolate reaches its host call. The in-isolate ctx
 * is built from these at load (kernel/sandbox/host/prelude-source.ts) and the sdk's ctx types
 * are derived from them, so the two cannot drift.
 */
export interface CtxMethod {
  /** Where it lives on ctx: `storage.get` → `ctx.storage.get`, `fetch` → `ctx.fetch`. */
  readonly path: string;
  /** Positional parameters, in order, each a field of the host call's arguments. */
  readonly params: readonly string[];
  /**
   * Fields of a trailing options object copied into the arguments (after the callback when the
   * method takes one: `ctx.timers.every(ms, fn, { sample })`).
   */
  readonly options?: readonly string[];
  /** Fields the method fills in itself (e.g. `log.info` → `level: 'info'`). */
  readonly fixed?: Readonly<Record<string, string>>;
  /**
   * What the method keeps inside the isolate: `subscribe` takes a handler after the
   * parameters, keeps it and resolves an unsubscribe function (calling `undo`); `timer` /
   * `timer-once` take a function, keep it and resolve the timer id (the function gets the
   * tick: `{ sample }` when the timer was started with that option, else `{}`); `forget-timer` drops the
   * kept function before the call. Callbacks never cross the boundary.
   */
  readonly local?: 'subscribe' | 'timer' | 'timer-once' | 'forget-timer';
  /** With `subscribe`: the host call the unsubscribe function makes (with `{ id }`). */
  readonly undo?: string;
  /**
   * The method returns nothing and its host call carries no answer (`ctx.events.emit`): the
   * kernel runs it with every check it has and sends no reply; a failure goes to the kernel's
   * log (rate limited), not to the plugin. It throws at once (nothing is sent) only for what
   * the isolate can tell: arguments that are not JSON data or too large, and too many bytes
   * still unsent to the kernel (OMEGA_ERR_PLUGIN_LIMIT: a plugin emitting in a loop).
   */
  readonly noAnswer?: true;
}

/** Per-plugin concurrency groups of scarce host calls (each bounded by one plugin limit). */
export type HostCallGroup = 'fetch' | 'password';

/** Per-plugin rate budgets some calls are charged to, besides the general bytes per second. */
export type HostCallBudget = 'publish' | 'log';

/**
 * One host call in the protocol, as data: its argument schema, its result type (type only),
 * the capability it needs as a function of the validated arguments, the ctx method(s) that
 * reach it, and the limits it is held to. Adding a host call is one entry in HOST_CALLS and
 * one implementation in the kernel (kernel/sandbox/host-functions.ts).
 */
export interface HostCallSpec<A extends z.ZodType = z.ZodType, R = unknown> {
  readonly args: A;
  /** What the call needs; a list when it needs each of several (every one is checked). */
  readonly capability: (args: z.output<A>) => CapabilityDescriptor | readonly CapabilityDescriptor[] | null;
  /** The ctx method(s) reaching it; null when reached only through another method's result. */
  readonly ctx: CtxMethod | readonly CtxMethod[] | null;
  readonly group?: HostCallGroup;
  readonly budget?: HostCallBudget;
  /** Largest argument JSON for this call, bytes (checked before parsing; below the plugin's maxCallBytes). */
  readonly maxBytes?: number;
  /**
   * The call changes something outside the isolate that outlives it (stored records, published
   * events, outbound requests, other plugins): once one has started, a call into the plugin that
   * then fails without an answer has an unknown outcome (OMEGA_ERR_OUTCOME_UNKNOWN).
   */
  readonly mutates?: true;
  /**
   * The answer's size is the host's or another plugin's, not the plugin's own (one `disk` entry
   * per mount, every connected agent, a service's result): its JSON is held to the plugin's
   * maxCallBytes in UTF-8 bytes, as arguments are. Over it the call fails with
   * OMEGA_ERR_PLUGIN_LIMIT, whose message ends with this advice (what to ask for instead).
   */
  readonly hostSizedAnswer?: string;
  /** Type-level only: never set at run time. */
  readonly result?: R;
}

/** Declares a host call with result type `R`: `defineHostCall<R>()({ args, capability, ctx })`. */
export const defineHostCall =
  <R>() =>
  <A extends z.ZodType, const C extends CtxMethod | readonly CtxMethod[] | null>(spec: {
    args: A;
    capability: (args: z.output<A>) => CapabilityDescriptor | readonly CapabilityDescriptor[] | null;
    ctx: C;
    group?: HostCallGroup;
    budget?: HostCallBudget;
    maxBytes?: number;
    mutates?: true;
    hostSizedAnswer?: string;
  }): Omit<HostCallSpec<A, R>, 'ctx'> & { readonly ctx: C } =>
    spec;
