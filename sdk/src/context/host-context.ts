import type {
  CtxMethodPath,
  CtxMethodSpec,
  CtxSurface,
  EventRecord,
  HostCallArgs,
  HostCallResult,
  TimerTick,
} from '@omega/protocol';

/*
 * The plugin's `ctx`, derived from the protocol: the ctx method specs of HOST_CALLS say which host call
 * each method reaches and which argument fields its positional parameters fill; HOST_CALLS
 * says what those fields and the result are. Nothing here is written by hand per method.
 */

type Surface = CtxSurface;
type ArgsOf<P extends CtxMethodPath> = HostCallArgs<Surface[P]['call']>;

/** True when key `K` of `A` may be left out. */
type IsOptional<A, K extends keyof A> = Record<never, never> extends Pick<A, K> ? true : false;

/** The positional parameters `names` of argument object `A`, optional where the field is. */
type Positional<A, Names extends readonly string[]> = Names extends readonly [
  infer H extends string,
  ...infer R extends readonly string[],
]
  ? H extends keyof A
    ? IsOptional<A, H> extends true
      ? [A[H]?, ...Positional<A, R>]
      : [A[H], ...Positional<A, R>]
    : never
  : [];

/** The trailing options object, when the method has one (after the callback, when it takes one). */
type OptionsParam<A, S extends CtxMethodSpec> = S extends { options: infer O extends readonly string[] }
  ? [opts?: { [K in O[number] & keyof A]?: A[K] }]
  : [];

/** A subscription handler: one event at a time, with the plugin's ctx. */
export type EventHandler<D = unknown> = (event: EventRecord<D>, ctx: HostContext) => unknown;

/** Callback parameters the prelude keeps inside the isolate (they never cross the boundary). */
interface Callbacks {
  subscribe: EventHandler;
  /** Gets the tick: `{ sample }` when started with `{ sample: areas }` (see {@link TimerTick}). */
  timer: (tick: TimerTick) => unknown;
  'timer-once': () => unknown;
}

type CallbackParam<S extends CtxMethodSpec> = S extends { local: infer L extends keyof Callbacks }
  ? [Callbacks[L]]
  : [];

/** What the method resolves to. */
type Returns<S extends CtxMethodSpec> = S extends { local: 'timer' | 'timer-once' }
  ? number
  : S extends { local: 'subscribe' }
    ? () => Promise<HostCallResult<'events.unsubscribe'>>
    : HostCallResult<S['call']>;

/**
 * The signature of ctx method `P` (e.g. `storage.get`), derived from the protocol: a promise of
 * the host call's result, or `void` for a method whose call carries no answer (`events.emit`).
 */
export type HostMethod<P extends CtxMethodPath> = (
  ...args: [
    ...Positional<ArgsOf<P>, Surface[P]['params']>,
    ...CallbackParam<Surface[P]>,
    ...OptionsParam<ArgsOf<P>, Surface[P]>,
  ]
) => Surface[P] extends { noAnswer: true } ? void : Promise<Returns<Surface[P]>>;

type Group<P> = P extends `${infer G}.${string}` ? G : never;
type TopLevel = Exclude<CtxMethodPath, `${string}.${string}`>;

/** The plugin's ctx exactly as the sandbox builds it, every method typed from the protocol. */
export type HostContext = {
  readonly plugin: { readonly name: string; readonly version: string };
} & { readonly [P in TopLevel]: HostMethod<P> } & {
  readonly [G in Group<CtxMethodPath>]: {
    readonly [P in CtxMethodPath as P extends `${G}.${infer M}` ? M : never]: HostMethod<P>;
  };
};
