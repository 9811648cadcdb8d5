import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createNetnsLab, type LabHost, type NetnsLab, netnsUnavailableReason } from './netns.js';
import { sh } from './sh.js';
import { useNetnsLab } from './use-netns-lab.js';

/** A client run inside a namespace: N TCP round trips or N UDP datagrams; prints JSON. */
const CLIENT = `
const [mode, host, port, count, timeout] = process.argv.slice(1);
const net = require('node:net'), dgram = require('node:dgram');
if (mode === 'tcp') {
  const s = net.connect({ host, port: Number(port) });
  const rtts = []; let t0 = 0;
  const fail = (e) => { console.log(JSON.stringify({ ok: false, error: e })); process.exit(0); };
  const timer = setTimeout(() => fail('timeout'), Number(timeout));
  s.on('error', (e) => fail(e.code));
  s.on('connect', () => { t0 = performance.now(); s.write('x'); });
  s.on('data', () => {
    rtts.push(performance.now() - t0);
    if (rtts.length === Number(count)) { clearTimeout(timer); console.log(JSON.stringify({ ok: true, rtts })); s.destroy(); return; }
    t0 = performance.now(); s.write('x');
  });
} else {
  const s = dgram.createSocket('udp4'); let got = 0;
  s.on('message', () => { got++; });
  let sent = 0;
  const tick = setInterval(() => { s.send('x', Number(port), host); if (++sent === Number(count)) clearInterval(tick); }, 5);
  setTimeout(() => { console.log(JSON.stringify({ ok: true, sent, got })); s.close(); }, Number(timeout));
}
`;

async function tcpProbe(lab: NetnsLab, host: LabHost, port: number, count: number, timeoutMs: number) {
  const r = await lab.exec(
    host,
    process.execPath,
    ['-e', CLIENT, 'tcp', lab.bridgeAddress, String(port), String(count), String(timeoutMs)],
    timeoutMs + 10_000,
  );
  return JSON.parse(r.stdout) as { ok: boolean; rtts?: number[]; error?: string };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('network-namespace substrate', () => {
  const useLab = useNetnsLab({ hosts: 2 });

  it('gives each host its own namespace on a fresh /24, reachable at the bridge address', async (ctx) => {
    const lab = useLab(ctx);
    expect(lab.subnet).toMatch(/^10\.203\.\d+\.0\/24$/);
    const echo = createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, lab.bridgeAddress, r));
    const port = (echo.address() as { port: number }).port;
    try {
      for (const host of lab.hosts) {
        const r = await tcpProbe(lab, host, port, 3, 5000);
        expect(r.ok, JSON.stringify(r)).toBe(true);
      }
      // Its own hostname and its own address, seen from inside.
      const child = lab.spawn(lab.hosts[0]!, 'sh', ['-c', 'hostname; ip -4 -o addr show dev eth0']);
      let out = '';
      child.stdout?.on('data', (d) => {
        out += d;
      });
      await new Promise((r) => child.on('exit', r));
      expect(out).toContain('h1');
      expect(out).toContain(lab.hosts[0]!.address);
    } finally {
      echo.close();
    }
  });

  it('a cut link is silence: no close reaches the server, new connects time out; heal restores it', async (ctx) => {
    const lab = useLab(ctx);
    const [h1, h2] = lab.hosts as [LabHost, LabHost];
    const sockets: Socket[] = [];
    const closed: string[] = [];
    const echo = createServer((s) => {
      sockets.push(s);
      s.on('close', () => closed.push(s.remoteAddress ?? '?'));
      s.on('error', () => {});
      s.pipe(s);
    });
    await new Promise<void>((r) => echo.listen(0, lab.bridgeAddress, r));
    const port = (echo.address() as { port: number }).port;
    // A long-lived connection from h1 (a process that holds it open).
    const holder = lab.spawn(h1, process.execPath, [
      '-e',
      `require('node:net').connect(${port}, '${lab.bridgeAddress}').on('error', () => {}); setInterval(() => {}, 1000)`,
    ]);
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(sockets.length).toBe(1);
      await lab.cut(h1);
      const during = await tcpProbe(lab, h1, port, 1, 1500);
      expect(during.ok).toBe(false);
      expect((await tcpProbe(lab, h2, port, 1, 5000)).ok).toBe(true);
      await new Promise((r) => setTimeout(r, 1000));
      expect(closed).not.toContain(h1.address);
      await lab.heal(h1);
      expect((await tcpProbe(lab, h1, port, 2, 5000)).ok).toBe(true);
    } finally {
      holder.kill('SIGKILL');
      echo.close();
      for (const s of sockets) s.destroy();
    }
  });

  it('delays a link in both directions (NFQUEUE delayer) and undoes it', async (ctx) => {
    const lab = useLab(ctx);
    const h2 = lab.hosts[1]!;
    const echo = createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, lab.bridgeAddress, r));
    const port = (echo.address() as { port: number }).port;
    try {
      const before = await tcpProbe(lab, h2, port, 5, 5000);
      const undo = await lab.degrade(h2, { delayMs: 150 });
      const during = await tcpProbe(lab, h2, port, 5, 15_000);
      await undo();
      const after = await tcpProbe(lab, h2, port, 5, 5000);
      expect(during.ok, JSON.stringify(during)).toBe(true);
      // Each round trip crosses the delayer twice (150 ms each way).
      expect(median(during.rtts!)).toBeGreaterThanOrEqual(290);
      expect(median(during.rtts!)).toBeGreaterThan(median(before.rtts!) + 250);
      expect(median(after.rtts!)).toBeLessThan(median(during.rtts!) - 250);
    } finally {
      echo.close();
    }
  });

  it('drops a share of packets in both directions (iptables statistic) and undoes it', async (ctx) => {
    const lab = useLab(ctx);
    const h1 = lab.hosts[0]!;
    const udp = createSocket('udp4');
    udp.on('message', (m, from) => udp.send(m, from.port, from.address));
    await new Promise<void>((r) => udp.bind(0, lab.bridgeAddress, r));
    const port = udp.address().port;
    const probe = async () => {
      const r = await lab.exec(h1, process.execPath, [
        '-e',
        CLIENT,
        'udp',
        lab.bridgeAddress,
        String(port),
        '200',
        '3000',
      ]);
      return JSON.parse(r.stdout) as { sent: number; got: number };
    };
    try {
      const clean = await probe();
      expect(clean.got).toBe(clean.sent);
      const undo = await lab.degrade(h1, { lossPercent: 30 });
      const lossy = await probe();
      await undo();
      // 30 % each way: about half the round trips survive (0.7²); 200 trials keep it well inside.
      expect(lossy.got / lossy.sent).toBeGreaterThan(0.25);
      expect(lossy.got / lossy.sent).toBeLessThan(0.75);
      const healed = await probe();
      expect(healed.got).toBe(healed.sent);
    } finally {
      udp.close();
    }
  });
});

describe('network-namespace substrate clean-up', () => {
  it('leaves no namespace, bridge or firewall chain behind, even after a degraded link', async (ctx) => {
    const reason = await netnsUnavailableReason();
    if (reason) return ctx.skip(`network namespaces unavailable: ${reason}`);
    const lab = await createNetnsLab({ hosts: 1 });
    await lab.degrade(lab.hosts[0]!, { lossPercent: 10, delayMs: 5 });
    const ns = lab.hosts[0]!.netns;
    expect(existsSync(`/run/netns/${ns}`)).toBe(true);
    await lab.destroy();
    expect(existsSync(`/run/netns/${ns}`)).toBe(false);
    expect((await sh('ip', ['link', 'show', lab.bridge])).code).not.toBe(0);
    expect((await sh('iptables', ['-w', '5', '-S'])).stdout).not.toContain(lab.id);
  });
});
