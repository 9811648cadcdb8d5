/**
 * Route callers the prelude keeps at most (slots 0 … this − 1), told to the kernel when the
 * bundle is installed (`callerSlots`): see dispatch's `slot` and createCallerSlots.
 */
export const MAX_CALLER_SLOTS = 1024;

/**
 * The prelude: plain JavaScript the host evaluates in a plugin's context before the plugin's
 * bundle. It is a function `(post, cfgJson) => ({ dispatch, settle, install })`:
 *
 * - `post(kind, id, a, b)` is the ONE primitive (an ivm.Callback, strings and numbers only):
 *   kind 1 = host call (a = name, b = args JSON; id 0 = no answer wanted, and post returns 1
 *   when it was sent, 0 when the host refused it, 2 when the host is stopping), 2 = call result (b = JSON), 3 = call error
 *   (b = `{code, message}` JSON). It lives only in this closure: never on a global, never passed
 *   to anything the plugin can patch (no `.call`, no patched builtins touch it).
 * - `dispatch(id, kind, name, payload)` starts a call into the plugin; its outcome comes back
 *   later through `post` — except a route handler's that answered at once (returned no thenable):
 *   dispatch returns that answer's JSON text (checked as `post(2, …)`'s is), so the call needs no
 *   ivm.Callback and no microtask (a string is all dispatch ever returns, else undefined).
 *   `settle(id, ok, json)` answers a host call. Both are entered by the host with `applySync`.
 * - `dispatch(id, 'route', name, payload, slot, keep)`: a route call's caller may come by slot. With
 *   `keep`, the payload's caller is deep-frozen and kept as slot `slot` (the slot is emptied first,
 *   so a payload that does not parse leaves it empty, never stale); without, the payload's caller
 *   is replaced by slot `slot`'s (the same frozen object every time; an empty slot fails the call).
 *   Slots live in this closure only: a plugin sees a kept caller only on its own requests.
 * - Errors become `{code, message}` strings here, inside the isolate (under the call's
 *   deadline): the host never touches a plugin-made object.
 *
 * - `ctx` is built from `cfg.surface`, the protocol's ctx method specs (HOST_CALLS[…].ctx):
 *   nothing here is written per method, so the ctx and the sdk's types cannot drift.
 *
 * Builtins the prelude relies on are captured before plugin code runs. WebAssembly is removed
 * (its memory lives outside the isolate's heap limit).
 */
export const PRELUDE_SOURCE = `(function (post, cfgJson) {
  'use strict';
  const G = globalThis;
  const parse = JSON.parse, stringify = JSON.stringify;
  const Prom = Promise, then = Promise.prototype.then, apply = Reflect.apply;
  const hasOwn = Object.hasOwn, freeze = Object.freeze, create = Object.create;
  const defineProperty = Object.defineProperty, keys = Object.keys;
  const Err = Error, Str = String, slice = String.prototype.slice, indexOf = String.prototype.indexOf;
  const cfg = parse(cfgJson);
  const MAX_CALL = cfg.maxCallChars, MAX_RESULT = cfg.maxResultChars, MAX_MSG = 1024;
  const FAILED = '{"code":"OMEGA_ERR_PLUGIN_FAILED","message":"plugin failed"}';
  delete G.WebAssembly;

  const pending = create(null);
  // Route callers by slot (no prototype: nothing a plugin defines on Object.prototype is read here).
  const callers = create(null);
  const subs = create(null);
  const timers = create(null);
  let nextId = 0;
  let plugin = null;

  function codedError(code, message, extras) {
    const e = new Err(message);
    defineProperty(e, 'code', { value: code, enumerable: true, writable: true, configurable: true });
    if (extras !== undefined) defineProperty(e, 'extras', { value: extras, enumerable: true, writable: true, configurable: true });
    return e;
  }
  function rejected(e) { return new Prom(function (_, rej) { rej(e); }); }
  function clip(s) { return s.length > MAX_MSG ? apply(slice, s, [0, MAX_MSG]) : s; }
  function errJson(code, message) {
    let s;
    try { s = stringify({ code: code, message: message }); } catch (_) { s = undefined; }
    return typeof s === 'string' ? s : FAILED;
  }
  // Extras travel only as plain JSON data, and only this much of it.
  const MAX_EXTRAS = 4096;
  function describe(e) {
    let code = 'OMEGA_ERR_PLUGIN_FAILED', message = 'plugin failed', status, extras;
    try {
      if (typeof e === 'string') message = clip(e);
      else if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
        const c = e.code;
        if (typeof c === 'string' && c.length > 0 && c.length <= 64) code = c;
        const m = e.message;
        if (typeof m === 'string') message = clip(m);
        // A route error (sdk httpError): the status the plugin chose, checked by the kernel.
        const st = e.status;
        if (typeof st === 'number' && st >= 400 && st <= 599 && st === (st | 0)) status = st;
        const x = e.extras;
        if (x !== null && typeof x === 'object') {
          const xs = stringify(x);
          if (typeof xs === 'string' && xs.length <= MAX_EXTRAS) extras = parse(xs);
        }
      }
    } catch (_) { /* a throwing getter or unserialisable extras: keep what was read */ }
    let s;
    try { s = stringify({ code: code, message: message, status: status, extras: extras }); } catch (_) { s = undefined; }
    return typeof s === 'string' ? s : errJson(code, message);
  }

  // The arguments' JSON, or the error that stops the call before anything is sent.
  function encode(args) {
    let a;
    try { a = stringify(args); } catch (_) { a = undefined; }
    if (typeof a !== 'string') return codedError('OMEGA_ERR_VALIDATION', 'Host call arguments must be JSON data.');
    if (a.length > MAX_CALL) return codedError('OMEGA_ERR_PLUGIN_LIMIT', 'Host call arguments of ' + a.length + ' characters exceed the limit of ' + MAX_CALL + '.');
    return a;
  }
  function hostCall(name, args) {
    const a = encode(args);
    if (typeof a !== 'string') return rejected(a);
    const id = ++nextId;
    const p = new Prom(function (res, rej) { pending[id] = { res: res, rej: rej }; });
    post(1, id, name, a);
    return p;
  }
  // A call without an answer (a noAnswer method): id 0, nothing kept here; the kernel logs its
  // failures. post answers 0 when the host already holds too many unsent bytes, 2 when it is
  // stopping (nothing more reaches the kernel).
  function sendNoAnswer(name, args) {
    const a = encode(args);
    if (typeof a !== 'string') throw a;
    const r = post(1, 0, name, a);
    if (r === 1) return;
    if (r === 2) throw codedError('OMEGA_ERR_PLUGIN_UNAVAILABLE', 'The plugin host is stopping; nothing more is sent to the kernel.');
    throw codedError('OMEGA_ERR_PLUGIN_LIMIT', 'Too many calls not yet sent to the kernel; emit less at once, or await events.publish.');
  }

  function settle(id, ok, body) {
    const p = pending[id];
    if (p === undefined) return;
    delete pending[id];
    let v;
    try { v = body === '' ? undefined : parse(body); } catch (_) { p.rej(codedError('OMEGA_ERR_INTERNAL', 'Malformed reply from the kernel.')); return; }
    if (ok) { p.res(v); return; }
    const code = v !== null && typeof v === 'object' && typeof v.code === 'string' ? v.code : 'OMEGA_ERR_INTERNAL';
    const message = v !== null && typeof v === 'object' && typeof v.message === 'string' ? v.message : 'Host call failed.';
    const extras = v !== null && typeof v === 'object' && v.extras !== null && typeof v.extras === 'object' ? v.extras : undefined;
    p.rej(codedError(code, message, extras));
  }

  // A result's JSON text, or undefined once the error that replaces it was posted.
  function resultText(id, v) {
    let s;
    try { s = v === undefined ? '' : stringify(v); } catch (_) { post(3, id, '', errJson('OMEGA_ERR_PLUGIN_FAILED', 'The result is not JSON data.')); return undefined; }
    if (s === undefined) s = '';
    if (typeof s !== 'string') { post(3, id, '', FAILED); return undefined; }
    if (s.length > MAX_RESULT) { post(3, id, '', errJson('OMEGA_ERR_PLUGIN_LIMIT', 'A result of ' + s.length + ' characters exceeds the limit of ' + MAX_RESULT + '.')); return undefined; }
    return s;
  }
  function finish(id, v) {
    const s = resultText(id, v);
    if (s !== undefined) post(2, id, '', s);
  }

  function handlerOf(table, name, what) {
    const h = table !== null && typeof table === 'object' && hasOwn(table, name) ? table[name] : undefined;
    if (typeof h !== 'function') throw codedError('OMEGA_ERR_NOT_FOUND', 'The plugin has no ' + what + ' "' + name + '".');
    return h;
  }

  async function deliver(d) {
    const h = subs[d.sub];
    let delivered = 0, failed = 0, error;
    if (typeof h !== 'function') return { delivered: 0, failed: 0 };
    const evs = d.events;
    for (let i = 0; i < evs.length; i++) {
      try { await h(evs[i], ctx); delivered++; } catch (e) { failed++; if (error === undefined) error = parse(describe(e)); }
    }
    return error === undefined ? { delivered: delivered, failed: failed } : { delivered: delivered, failed: failed, error: error };
  }

  // The definition in force: the bundle's plugin, or what its setup(ctx) returned for this activation.
  let active = null;
  async function activate() {
    if (typeof plugin.setup === 'function') {
      if (plugin.routes !== undefined || plugin.services !== undefined || plugin.activate !== undefined || plugin.deactivate !== undefined)
        throw codedError('OMEGA_ERR_MANIFEST_INVALID', 'Export setup(ctx) or top-level hooks and handlers, not both.');
      const def = await apply(plugin.setup, plugin, [ctx]);
      if (def === null || typeof def !== 'object') throw codedError('OMEGA_ERR_MANIFEST_INVALID', 'setup(ctx) must return { routes?, services?, deactivate? }.');
      active = def;
    } else {
      active = plugin;
      const f = plugin.activate;
      if (typeof f === 'function') await apply(f, plugin, [ctx]);
    }
    return { routes: names(active.routes), services: names(active.services) };
  }
  async function run(kind, name, arg) {
    if (plugin === null) throw codedError('OMEGA_ERR_PLUGIN_FAILED', 'The plugin is not loaded.');
    switch (kind) {
      case 'activate': return await activate();
      case 'deactivate': {
        const def = active;
        active = null;
        const f = def === null ? undefined : def.deactivate;
        if (typeof f === 'function') await apply(f, def, [ctx]);
        return null;
      }
      // A route call into an active plugin is routeNow's (dispatch); this is only the refusal.
      case 'route': throw codedError('OMEGA_ERR_PLUGIN_UNAVAILABLE', 'The plugin is not active.');
      case 'service': {
        if (active === null) throw codedError('OMEGA_ERR_PLUGIN_UNAVAILABLE', 'The plugin is not active.');
        const t = active.services;
        return await apply(handlerOf(t, name, 'service'), t, [arg.args, ctx, arg.caller]);
      }
      case 'event': return await deliver(arg);
      case 'timer': {
        const t = timers[name];
        if (t === undefined) return null;
        if (t.once) delete timers[name];
        // timers.every's fn gets its tick: the kernel's reading when the timer carries one ({ sample }),
        // else {}; timers.after's fn gets no argument (as it always has).
        await apply(t.fn, undefined, t.once ? [] : [arg !== null && typeof arg === 'object' ? arg : {}]);
        return null;
      }
    }
    throw codedError('OMEGA_ERR_INTERNAL', 'Unknown call kind.');
  }

  async function adopt(v) { return await v; }
  // Posts the outcome of promise p as call id's answer, when it settles.
  function answerLater(id, p) {
    apply(then, p, [function (v) { finish(id, v); }, function (e) { post(3, id, '', describe(e)); }]);
  }
  // A route handler's outcome: its answer's JSON text when the handler returned one at once (not a
  // thenable), else undefined — its error was posted, or its promise's outcome will be. A text
  // returned here leaves when this entry ends (after the microtasks the handler queued): an
  // entry that ends the isolate (its memory limit) loses it, where a posted answer was flushed.
  function routeNow(id, name, arg) {
    let v, th;
    try {
      const t = active.routes;
      v = apply(handlerOf(t, name, 'route handler'), t, [arg, ctx]);
      th = v !== null && (typeof v === 'object' || typeof v === 'function') ? v.then : undefined;
    } catch (e) { post(3, id, '', describe(e)); return undefined; }
    if (typeof th !== 'function') return resultText(id, v);
    answerLater(id, adopt(v));
    return undefined;
  }
  function deepFreeze(v) {
    if (v !== null && typeof v === 'object') {
      const ks = keys(v);
      for (let i = 0; i < ks.length; i++) deepFreeze(v[ks[i]]);
      freeze(v);
    }
    return v;
  }
  function dispatch(id, kind, name, payload, slot, keep) {
    const bySlot = typeof slot === 'number' && slot >= 0 && slot < ${MAX_CALLER_SLOTS};
    if (bySlot && keep === true) delete callers[slot];
    let arg;
    try { arg = payload === '' ? undefined : parse(payload); } catch (_) { post(3, id, '', errJson('OMEGA_ERR_INTERNAL', 'Malformed payload.')); return undefined; }
    if (bySlot && arg !== null && typeof arg === 'object') {
      if (keep === true) callers[slot] = deepFreeze(arg.caller);
      else {
        const c = callers[slot];
        if (c === undefined) { post(3, id, '', errJson('OMEGA_ERR_INTERNAL', 'Unknown caller slot.')); return undefined; }
        arg.caller = c;
      }
    }
    if (kind === 'route' && plugin !== null && active !== null) return routeNow(id, name, arg);
    answerLater(id, run(kind, name, arg));
    return undefined;
  }

  // ── ctx, built from the protocol's ctx method specs (cfg.surface: path → spec) ──
  function keepTimer(id, fn, once) { timers[id] = { fn: fn, once: once }; return id; }
  function methodOf(m) {
    const call = m.call, params = m.params, n = params.length, options = m.options, fixed = m.fixed;
    // The options object follows the callback when the method takes one (timers.every(ms, fn, { sample })).
    const optAt = m.local === 'timer' || m.local === 'timer-once' || m.local === 'subscribe' ? n + 1 : n;
    function argsOf(a) {
      const o = {};
      for (let i = 0; i < n; i++) o[params[i]] = a[i];
      if (options !== undefined) {
        const opt = a[optAt];
        if (opt !== null && typeof opt === 'object') for (let i = 0; i < options.length; i++) o[options[i]] = opt[options[i]];
      }
      if (fixed !== undefined) { const fk = keys(fixed); for (let i = 0; i < fk.length; i++) o[fk[i]] = fixed[fk[i]]; }
      return o;
    }
    switch (m.local) {
      case 'subscribe': {
        const undo = m.undo;
        return function () {
          const handler = arguments[n];
          if (typeof handler !== 'function') return rejected(codedError('OMEGA_ERR_VALIDATION', m.path + ' needs a handler function.'));
          return apply(then, hostCall(call, argsOf(arguments)), [function (r) {
            const id = r.id;
            subs[id] = handler;
            return function unsubscribe() { delete subs[id]; return hostCall(undo, { id: id }); };
          }]);
        };
      }
      case 'timer':
      case 'timer-once': {
        const once = m.local === 'timer-once';
        return function () {
          const fn = arguments[n];
          if (typeof fn !== 'function') return rejected(codedError('OMEGA_ERR_VALIDATION', m.path + ' needs a function.'));
          return apply(then, hostCall(call, argsOf(arguments)), [function (r) { return keepTimer(r.id, fn, once); }]);
        };
      }
      case 'forget-timer':
        return function () { const a = argsOf(arguments); delete timers[a.id]; return hostCall(call, a); };
      default:
        if (m.noAnswer === true) return function () { sendNoAnswer(call, argsOf(arguments)); };
        return function () { return hostCall(call, argsOf(arguments)); };
    }
  }
  function buildCtx(surface) {
    const top = { plugin: freeze({ name: cfg.name, version: cfg.version }) };
    const groups = create(null);
    const paths = keys(surface);
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i], fn = methodOf(surface[path]), dot = apply(indexOf, path, ['.']);
      if (dot < 0) { top[path] = fn; continue; }
      const g = apply(slice, path, [0, dot]);
      if (groups[g] === undefined) groups[g] = {};
      groups[g][apply(slice, path, [dot + 1])] = fn;
    }
    const gk = keys(groups);
    for (let i = 0; i < gk.length; i++) top[gk[i]] = freeze(groups[gk[i]]);
    return freeze(top);
  }
  const ctx = buildCtx(cfg.surface);

  function names(t) {
    const out = [];
    if (t === null || typeof t !== 'object') return out;
    const ks = keys(t);
    for (let i = 0; i < ks.length && i < 1000; i++) if (typeof t[ks[i]] === 'function') out[out.length] = Str(ks[i]);
    return out;
  }
  function install(p) {
    if (p === null || typeof p !== 'object') return errJson('OMEGA_ERR_MANIFEST_INVALID', 'The bundle must export const plugin = { ... }.');
    plugin = p;
    let s;
    try {
      s = stringify({ routes: names(p.routes), services: names(p.services), setup: typeof p.setup === 'function', activate: typeof p.activate === 'function', deactivate: typeof p.deactivate === 'function', callerSlots: ${MAX_CALLER_SLOTS} });
    } catch (e) { return describe(e); }
    return typeof s === 'string' ? s : FAILED;
  }

  return { dispatch: dispatch, settle: settle, install: install };
})`;
