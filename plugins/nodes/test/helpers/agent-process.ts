import { createPrivateKey, createPublicKey } from 'node:crypto';
import { ProtocolAgent } from './protocol-agent.js';

/*
 * The test peer as a process of its own (so it can run inside a network namespace): joins (or
 * resumes), heartbeats every heartbeatMs, reconnects with back-off when it has heard nothing for
 * 3 heartbeats or its socket closed — as the product agent does — and prints what happens as
 * JSON lines. Config in $AGENT_CONFIG: { url, name, token, key (PKCS#8 PEM) }.
 */

const cfg = JSON.parse(process.env.AGENT_CONFIG ?? '{}') as {
  url: string;
  name: string;
  token: string;
  key: string;
};
const privateKey = createPrivateKey(cfg.key);
const publicKey = String(createPublicKey(privateKey).export({ format: 'jwk' }).x);
const say = (o: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ t: Date.now(), ...o })}\n`);
const agent = new ProtocolAgent({
  url: cfg.url,
  identity: { privateKey, publicKey },
  name: cfg.name,
  token: cfg.token,
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let backoff = 250;
for (;;) {
  const o = await agent
    .connect()
    .catch((err: Error) => ({ ok: false as const, code: 'error', message: err.message, closeCode: 0 }));
  if (!o.ok) {
    say({ event: 'refused', code: o.code, closeCode: o.closeCode });
    if (o.code !== 'closed' && o.code !== 'error') process.exit(3);
    await sleep(backoff);
    backoff = Math.min(backoff * 2, 2_000);
    continue;
  }
  backoff = 250;
  say({ event: 'welcome', node: o.node, heartbeatMs: o.heartbeatMs });
  let heard = Date.now();
  const ws = agent.ws!;
  ws.on('message', () => {
    heard = Date.now();
  });
  ws.on('ping', () => {
    heard = Date.now();
  });
  agent.startHeartbeats(o.heartbeatMs);
  while (!agent.closed) {
    await sleep(o.heartbeatMs / 2);
    if (Date.now() - heard > 3 * o.heartbeatMs) {
      say({ event: 'silence', ms: Date.now() - heard });
      agent.kill();
    }
  }
  say({ event: 'closed', code: agent.closed?.code });
  await sleep(backoff);
}
