import { connect } from 'node:net';

/** What one TCP connect said about the path to a host. */
export type ConnectOutcome = { rttMs: number } | { lost: true; reason: string };

/**
 * Times one TCP handshake to `host:port` (SYN → SYN-ACK, or the RST of a refused port: either
 * way the host answered) and closes the socket at once with a reset, so no connection state is
 * left on either side. No answer within `timeoutMs` (a lost SYN waits ~1 s for its first
 * retransmission) or an unreachable route counts as lost. Costs the peer one accept.
 */
export function tcpConnectRtt(host: string, port: number, timeoutMs: number): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ host, port, noDelay: true });
    let done = false;
    const finish = (outcome: ConnectOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (!socket.destroyed) {
        try {
          socket.resetAndDestroy();
        } catch {
          socket.destroy();
        }
      }
      resolve(outcome);
    };
    const timer = setTimeout(
      () => finish({ lost: true, reason: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.once('connect', () => finish({ rttMs: performance.now() - started }));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') finish({ rttMs: performance.now() - started });
      else finish({ lost: true, reason: err.code ?? err.message });
    });
  });
}
