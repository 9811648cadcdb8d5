import type { IncomingMessage, ServerResponse } from 'node:http';

/** Request's own getters: each one builds the real Request first (see LightRequest). */
const VIA_REAL = [
  'body',
  'bodyUsed',
  'cache',
  'credentials',
  'destination',
  'integrity',
  'mode',
  'redirect',
  'referrer',
  'referrerPolicy',
  'signal',
  'keepalive',
] as const;
/** Request's own methods, likewise. */
const METHODS_VIA_REAL = ['arrayBuffer', 'blob', 'clone', 'formData', 'json', 'text'] as const;

/** A fetch `Headers` of Node's raw request headers, every copy of a repeated one kept (as @hono/node-server builds it). */
function headersOf(incoming: IncomingMessage): Headers {
  const raw = incoming.rawHeaders;
  const pairs: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) !== 58 /* ':' (HTTP/2 pseudo-headers) */) pairs.push([name, raw[i + 1]!]);
  }
  return new Headers(pairs);
}

/**
 * The web `Request` of a GET the kernel's listener answers itself (kernel-listener.ts), as cheap
 * as @hono/node-server's own lightweight request: `method` and `url` are read from Node's request,
 * `headers` is built when first read, and anything else (`signal`, `body`, `clone()`, …) builds
 * a real Request once and reads it there. That real Request's signal aborts when the client goes
 * away before the answer is written, as @hono/node-server's does.
 */
export class LightRequest {
  readonly #incoming: IncomingMessage;
  readonly #outgoing: ServerResponse;
  readonly #url: string;
  #headers: Headers | undefined;
  #real: Request | undefined;

  constructor(incoming: IncomingMessage, outgoing: ServerResponse, url: string) {
    this.#incoming = incoming;
    this.#outgoing = outgoing;
    this.#url = url;
    this.#headers = undefined;
    this.#real = undefined;
  }

  get method(): string {
    return this.#incoming.method || 'GET';
  }

  get url(): string {
    return this.#url;
  }

  get headers(): Headers {
    if (this.#headers === undefined) this.#headers = headersOf(this.#incoming);
    return this.#headers;
  }

  /** The real Request behind this one, built on first need. */
  real(): Request {
    if (this.#real !== undefined) return this.#real;
    const aborts = new AbortController();
    const incoming = this.#incoming;
    const outgoing = this.#outgoing;
    outgoing.on('close', () => {
      if (incoming.errored) aborts.abort(incoming.errored.toString());
      else if (!outgoing.writableFinished) aborts.abort('Client connection prematurely closed.');
    });
    this.#real = new Request(this.#url, {
      method: this.method,
      headers: this.headers,
      signal: aborts.signal,
    });
    return this.#real;
  }
}

for (const name of VIA_REAL) {
  Object.defineProperty(LightRequest.prototype, name, {
    get(this: LightRequest) {
      return this.real()[name];
    },
  });
}
for (const name of METHODS_VIA_REAL) {
  Object.defineProperty(LightRequest.prototype, name, {
    value(this: LightRequest) {
      return this.real()[name]();
    },
  });
}
Object.defineProperty(LightRequest.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value(
    this: LightRequest,
    depth: number | null,
    options: object,
    inspect: (v: unknown, o: object) => string,
  ) {
    const shown = { method: this.method, url: this.url, headers: this.headers };
    return `Request (kernel, lightweight) ${inspect(shown, { ...options, depth: depth == null ? null : depth - 1 })}`;
  },
});

/**
 * Makes a LightRequest an instance of the global `Request` as it is now: call it after
 * @hono/node-server's listener is made, which replaces the global with its own subclass (so that
 * `c.req.raw instanceof Request` holds on both listeners' requests, as it does on theirs).
 */
export function inheritGlobalRequest(): void {
  if (Object.getPrototypeOf(LightRequest.prototype) !== globalThis.Request.prototype)
    Object.setPrototypeOf(LightRequest.prototype, globalThis.Request.prototype);
}
inheritGlobalRequest();
