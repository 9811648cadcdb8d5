import { createHmac } from 'node:crypto';
import type { BusEvent } from '../bus/index.js';
import type { WebhookSinkConfig } from './sink-config.js';
import { SinkRejected, type SinkTransport } from './sink-transport.js';

/** Statuses a retry can change: timeouts, too early, rate limits (every 5xx too). */
const RETRYABLE_4XX = new Set([408, 425, 429]);

/** `Omega-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function signWebhookBody(secret: Buffer, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** The URL as status and logs show it: no user info, no query (either may carry a credential). */
export function redactUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?…' : ''}`;
}

/**
 * POSTs `{sink, events: [{seq, topic, time, data}]}` to the configured URL. 2xx delivers; 408,
 * 425, 429, 5xx, redirects (never followed) and network errors are retried; any other 4xx
 * refuses the batch for good. With a secret, the body is signed (see {@link signWebhookBody}) so
 * the receiver can check it came from this kernel and is fresh; `Omega-Delivery` names the seqs.
 */
export function webhookTransport(
  config: WebhookSinkConfig,
  secret: Buffer | undefined,
  userAgent: string,
): SinkTransport {
  return {
    batchMax: config.batchMax,
    async deliver(events: readonly BusEvent[], signal: AbortSignal) {
      const body = JSON.stringify({
        sink: config.name,
        events: events.map((e) => ({ seq: e.seq, topic: e.topic, time: e.time, data: e.data })),
      });
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': userAgent,
        'omega-delivery': `${events[0]!.seq}-${events.at(-1)!.seq}`,
      };
      if (secret) headers['omega-signature'] = signWebhookBody(secret, body, Math.floor(Date.now() / 1000));
      const res = await fetch(config.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.any([signal, AbortSignal.timeout(config.timeoutMs)]),
      }).catch((err: Error) => {
        const cause = (err.cause as Error | undefined)?.message;
        throw new Error(
          err.name === 'TimeoutError'
            ? `no answer within ${config.timeoutMs} ms`
            : `${err.message}${cause ? `: ${cause}` : ''}`,
        );
      });
      await res.body?.cancel().catch(() => {});
      if (res.ok) return;
      const what = `${redactUrl(config.url)} answered ${res.status}`;
      if (res.status >= 300 && res.status < 400) throw new Error(`${what} (redirects are not followed)`);
      if (res.status < 500 && !RETRYABLE_4XX.has(res.status)) throw new SinkRejected(what);
      throw new Error(what);
    },
    close: () => Promise.resolve(),
  };
}
