/*
 * Type test for the sdk's public types: each `@ts-expect-error` line is a misuse that must NOT
 * compile. `npm run check` (tsc) fails if any of them compiles (an unused directive is an error);
 * tests/sdk/type-errors.test.ts removes the directives and checks each line really errors.
 */
import { expectTypeOf } from 'vitest';
import {
  definePlugin,
  type HostContext,
  json,
  type PluginContext,
  pluginError,
  problem,
  type StoredRecordResult,
} from '../../sdk/src/index.js';

declare const ctx: HostContext;

// Right usage compiles, with results typed from the protocol.
expectTypeOf(ctx.storage.get('c', 'id')).resolves.toEqualTypeOf<StoredRecordResult | null>();
expectTypeOf(ctx.crypto.hash('sha512', 'x')).resolves.toBeString();
expectTypeOf(ctx.timers.every(100, () => {})).resolves.toBeNumber();
expectTypeOf(
  ctx.timers.every(
    1000,
    (tick) =>
      expectTypeOf(tick.sample?.errors).toEqualTypeOf<
        { [area: string]: { code: string; message: string } } | undefined
      >(),
    { sample: ['cpu', 'memory'] },
  ),
).resolves.toBeNumber();
expectTypeOf(ctx.fetch('https://example.org')).resolves.toHaveProperty('status');

// Wrong argument types.
// @ts-expect-error collection must be a string
void ctx.storage.get(1, 'id');
// @ts-expect-error the id is required
void ctx.storage.get('c');
// @ts-expect-error md5 is not an algorithm the protocol offers
void ctx.crypto.hash('md5', 'x');
// @ts-expect-error bytes is a number
void ctx.crypto.random('16');
// @ts-expect-error not a system area
void ctx.system.read('battery');
// @ts-expect-error not a system area
void ctx.system.sample(['cpu', 'battery']);
// @ts-expect-error expectedVersion is a number
void ctx.storage.set('c', 'id', {}, { expectedVersion: '3' });
// @ts-expect-error init.method must be an HTTP method the protocol allows
void ctx.fetch('https://example.org', { method: 'TRACE' });
// @ts-expect-error timers need a callback
void ctx.timers.every(100);
// @ts-expect-error a timer's sample lists system areas
void ctx.timers.every(100, () => {}, { sample: ['battery'] });
// @ts-expect-error the options follow the callback
void ctx.timers.every(100, { sample: ['cpu'] }, () => {});
// @ts-expect-error subscribe needs a handler
void ctx.events.subscribe('nodes.*');
// @ts-expect-error no such capability
void ctx.fs.readFile('/etc/passwd');
// @ts-expect-error the result is a record, not a string
const wrongResult: string = await ctx.storage.set('c', 'id', 1);
void wrongResult;

// Typed events and services.
type Demo = {
  events: { 'demo.greeted': { who: string } };
  calls: { 'nodes.capacity': { args: { node: string }; result: { cpus: number } } };
  provides: { greet: { args: { who: string }; result: string } };
};
declare const typed: PluginContext<Demo>;
void typed.events.publish('demo.greeted', { who: 'ada' });
// @ts-expect-error the data does not match the declared event
void typed.events.publish('demo.greeted', { whom: 'ada' });
// @ts-expect-error an undeclared topic
void typed.events.publish('demo.other', { who: 'ada' });
// emit answers nothing: no promise to await, typed like publish.
expectTypeOf(typed.events.emit('demo.greeted', { who: 'ada' })).toEqualTypeOf<void>();
expectTypeOf(ctx.events.emit('any.topic', { n: 1 })).toEqualTypeOf<void>();
// @ts-expect-error emit's data must match the declared event too
typed.events.emit('demo.greeted', { whom: 'ada' });
// @ts-expect-error emit has no answer to wait for
void ctx.events.emit('t', 1).then(() => {});
expectTypeOf(typed.services.call('nodes.capacity', { node: 'n1' })).resolves.toEqualTypeOf<{
  cpus: number;
}>();
// @ts-expect-error calling a capability with the wrong shape
void typed.services.call('nodes.capacity', { id: 'n1' });

export const plugin = definePlugin<Demo>({
  services: {
    greet: async (args) => `hello ${args.who}`,
  },
  routes: {
    async hello(req, c) {
      // @ts-expect-error a route handler's ctx is typed too
      await c.storage.list(42);
      return req.query.x ? json(200, { ok: true }) : problem(404, 'OMEGA_ERR_NOT_FOUND', 'nothing here');
    },
  },
});

export const withSetup = definePlugin({
  setup(ctx) {
    return {
      routes: {
        async hello(req) {
          // @ts-expect-error a route that setup returns is typed too: query values are strings
          req.query.name?.toFixed();
          // @ts-expect-error and so is the ctx that setup closes over
          await ctx.storage.get(42, 'x');
          return json(200, { ok: true });
        },
      },
    };
  },
});

export const bad = definePlugin<Demo>({
  services: {
    // @ts-expect-error the service must return what `provides` declares
    greet: async () => 42,
  },
});

export const badRoute = definePlugin({
  routes: {
    // @ts-expect-error a route must answer { status, ... }
    async nope() {
      return { body: 'no status' };
    },
  },
});

void pluginError('MY_PLUGIN_ERR', 'message', { a: 1 });
