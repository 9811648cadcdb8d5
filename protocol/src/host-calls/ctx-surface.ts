import type { CtxMethod } from './define-host-call.js';
import type { HostCallName } from './host-call-types.js';
import { HOST_CALLS } from './host-calls.js';

/** One ctx method with the host call it reaches. */
export type CtxMethodSpec = CtxMethod & { readonly call: HostCallName };

type Calls = typeof HOST_CALLS;
type MethodsOf<N extends HostCallName> = Calls[N]['ctx'] extends infer C
  ? C extends readonly (infer M)[]
    ? M & { readonly call: N }
    : C extends CtxMethod
      ? C & { readonly call: N }
      : never
  : never;
type AllMethods = { [N in HostCallName]: MethodsOf<N> }[HostCallName];

/** The plugin's ctx as data: method path → its spec and host call (derived from HOST_CALLS). */
export type CtxSurface = { readonly [M in AllMethods as M['path']]: M };

/** A ctx method path such as `storage.get` or `fetch`. */
export type CtxMethodPath = keyof CtxSurface;

/** Every ctx method, by path (derived from HOST_CALLS at load). */
export const CTX_SURFACE: CtxSurface = Object.fromEntries(
  (
    Object.entries(HOST_CALLS) as Array<[HostCallName, { ctx: CtxMethod | readonly CtxMethod[] | null }]>
  ).flatMap(([call, spec]) => {
    const list = spec.ctx === null ? [] : Array.isArray(spec.ctx) ? spec.ctx : [spec.ctx as CtxMethod];
    return list.map((m) => [m.path, { ...m, call }]);
  }),
) as unknown as CtxSurface;

/** Host calls reached only through another method's result (e.g. the unsubscribe function). */
export const CTX_INDIRECT_CALLS: readonly HostCallName[] = (Object.keys(HOST_CALLS) as HostCallName[]).filter(
  (n) => HOST_CALLS[n].ctx === null,
);

/** Host calls a `noAnswer` ctx method reaches (`events.publish` through `ctx.events.emit`): only these may be sent without an answer. */
export const NO_ANSWER_CALLS: ReadonlySet<HostCallName> = new Set(
  (Object.values(CTX_SURFACE) as CtxMethodSpec[]).filter((m) => m.noAnswer === true).map((m) => m.call),
);
