/**
 * The prelude: plain JavaScript the host evaluates in a plugin's context before the plugin's
 * bundle. It is a function `(post, cfgJson) => ({ dispatch, settle, install })`:
 *
 * - `post(kind, id, a, b)` is the ONE primitive (an ivm.Callback, strings and numbers only):
 *   kind 1 = host call (a = name, b = args JSON), 2 = call result (b = JSON), 3 = call error
 *   (b = `{code, message}` JSON). It lives only in this closure: never on a global, never passed
 *   to anything the plugin can patch (no `.call`, no patched builtins touch it).
 * - `dispatch(id, kind, name, payload)` starts a call into the plugin; its outcome comes back
 *   later through `post`. `settle(id, ok, json)` answers a host call. Both are entered by the
 *   host with `applySync` under a timeout.
 * - Errors become `{code, message}` strings here, inside the isolate (under the call's
 *   deadline): the host never touches a plugin-made object.
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
  const Err = Error, Str = String, slice = String.prototype.slice;
  const cfg = parse(cfgJson);
  const MAX_CALL = cfg.maxCallChars, MAX_RESULT = cfg.maxResultChars, MAX_MSG = 1024;
  const FAILED = '{"code":"OMEGA_ERR_PLUGIN_FAILED","message":"plugin failed"}';
  delete G.WebAssembly;

  const pending = create(null);
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
  function describe(e) {
    let code = 'OMEGA_ERR_PLUGIN_FAILED', message = 'plugin failed';
    try {
      if (typeof e === 'string') message = clip(e);
      else if (e !== null && (typeof e === 'object' || typeof e === 'function')) {
        const c = e.code;
        if (typeof c === 'string' && c.length > 0 && c.length <= 64) code = c;
        const m = e.message;
        if (typeof m === 'string') message = clip(m);
      }
    } catch (_) { /* a throwing getter: keep the generic description */ }
    return errJson(code, message);
  }

  function hostCall(name, args) {
    let a;
    try { a = stringify(args); } catch (_) { a = undefined; }
    if (typeof a !== 'string') return rejected(codedError('OMEGA_ERR_VALIDATION', 'Host call arguments must be JSON data.'));
    if (a.length > MAX_CALL) return rejected(codedError('OMEGA_ERR_PLUGIN_LIMIT', 'Host call arguments of ' + a.length + ' characters exceed the limit of ' + MAX_CALL + '.'));
    const id = ++nextId;
    const p = new Prom(function (res, rej) { pending[id] = { res: res, rej: rej }; });
    post(1, id, name, a);
    return p;
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

  function finish(id, v) {
    let s;
    try { s = v === undefined ? '' : stringify(v); } catch (_) { post(3, id, '', errJson('OMEGA_ERR_PLUGIN_FAILED', 'The result is not JSON data.')); return; }
    if (s === undefined) s = '';
    if (typeof s !== 'string') { post(3, id, '', FAILED); return; }
    if (s.length > MAX_RESULT) { post(3, id, '', errJson('OMEGA_ERR_PLUGIN_LIMIT', 'A result of ' + s.length + ' characters exceeds the limit of ' + MAX_RESULT + '.')); return; }
    post(2, id, '', s);
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

  async function run(kind, name, arg) {
    if (plugin === null) throw codedError('OMEGA_ERR_PLUGIN_FAILED', 'The plugin is not loaded.');
    switch (kind) {
      case 'activate':
      case 'deactivate': {
        const f = plugin[kind];
        if (typeof f === 'function') await apply(f, plugin, [ctx]);
        return null;
      }
      case 'route': { const t = plugin.routes; return await apply(handlerOf(t, name, 'route handler'), t, [arg, ctx]); }
      case 'service': { const t = plugin.services; return await apply(handlerOf(t, name, 'service'), t, [arg, ctx]); }
      case 'event': return await deliver(arg);
      case 'timer': {
        const t = timers[name];
        if (t === undefined) return null;
        if (t.once) delete timers[name];
        await apply(t.fn, undefined, []);
        return null;
      }
    }
    throw codedError('OMEGA_ERR_INTERNAL', 'Unknown call kind.');
  }

  function dispatch(id, kind, name, payload) {
    let arg;
    try { arg = payload === '' ? undefined : parse(payload); } catch (_) { post(3, id, '', errJson('OMEGA_ERR_INTERNAL', 'Malformed payload.')); return; }
    const p = run(kind, name, arg);
    apply(then, p, [function (v) { finish(id, v); }, function (e) { post(3, id, '', describe(e)); }]);
  }

  function addTimer(name, ms, fn, once) {
    if (typeof fn !== 'function') return rejected(codedError('OMEGA_ERR_VALIDATION', 'A timer needs a function.'));
    return apply(then, hostCall(name, { ms: ms }), [function (r) { timers[r.id] = { fn: fn, once: once }; return r.id; }]);
  }
  function logAt(level) {
    return function (msg, fields) { return hostCall('log.write', { level: level, msg: Str(msg), fields: fields }); };
  }

  const ctx = freeze({
    plugin: freeze({ name: cfg.name, version: cfg.version }),
    storage: freeze({
      get: function (collection, id) { return hostCall('storage.get', { collection: collection, id: id }); },
      set: function (collection, id, value, opts) { return hostCall('storage.set', { collection: collection, id: id, value: value, expectedVersion: opts ? opts.expectedVersion : undefined }); },
      delete: function (collection, id, opts) { return hostCall('storage.delete', { collection: collection, id: id, expectedVersion: opts ? opts.expectedVersion : undefined }); },
      list: function (collection, opts) { return hostCall('storage.list', { collection: collection, prefix: opts ? opts.prefix : undefined, limit: opts ? opts.limit : undefined, cursor: opts ? opts.cursor : undefined }); },
    }),
    events: freeze({
      publish: function (topic, data) { return hostCall('events.publish', { topic: topic, data: data }); },
      subscribe: function (pattern, handler) {
        if (typeof handler !== 'function') return rejected(codedError('OMEGA_ERR_VALIDATION', 'subscribe needs a handler function.'));
        return apply(then, hostCall('events.subscribe', { pattern: pattern }), [function (r) {
          const id = r.id;
          subs[id] = handler;
          return function unsubscribe() { delete subs[id]; return hostCall('events.unsubscribe', { id: id }); };
        }]);
      },
    }),
    system: freeze({ read: function (area) { return hostCall('system.read', { area: area }); } }),
    crypto: freeze({
      sign: function (payload) { return hostCall('crypto.sign', { payload: payload }); },
      verify: function (jws) { return hostCall('crypto.verify', { jws: jws }); },
      hash: function (alg, data) { return hostCall('crypto.hash', { alg: alg, data: data }); },
      hashPassword: function (password) { return hostCall('crypto.hashPassword', { password: password }); },
      verifyPassword: function (password, hash) { return hostCall('crypto.verifyPassword', { password: password, hash: hash }); },
      random: function (bytes) { return hostCall('crypto.random', { bytes: bytes }); },
      seal: function (plaintext, aad) { return hostCall('crypto.seal', { plaintext: plaintext, aad: aad }); },
      open: function (sealed, aad) { return hostCall('crypto.open', { sealed: sealed, aad: aad }); },
    }),
    fetch: function (url, init) { return hostCall('net.fetch', { url: url, init: init }); },
    services: freeze({ call: function (service, args) { return hostCall('services.call', { service: service, args: args }); } }),
    timers: freeze({
      every: function (ms, fn) { return addTimer('timers.every', ms, fn, false); },
      after: function (ms, fn) { return addTimer('timers.after', ms, fn, true); },
      cancel: function (id) { delete timers[id]; return hostCall('timers.cancel', { id: id }); },
    }),
    auth: freeze({ signToken: function (sub, claims, ttlSec) { return hostCall('auth.signToken', { sub: sub, claims: claims, ttlSec: ttlSec }); } }),
    log: freeze({ debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') }),
  });

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
      s = stringify({ routes: names(p.routes), services: names(p.services), activate: typeof p.activate === 'function', deactivate: typeof p.deactivate === 'function' });
    } catch (e) { return describe(e); }
    return typeof s === 'string' ? s : FAILED;
  }

  return { dispatch: dispatch, settle: settle, install: install };
})`;
