import { createServer } from 'node:net';
import { UsageError } from './command.js';

const FIX: Record<string, (host: string, port: number) => string> = {
  EADDRNOTAVAIL: (host) =>
    `${host} is not an address of this machine (EADDRNOTAVAIL); pass --host with one of its addresses, 127.0.0.1 or 0.0.0.0`,
  EADDRINUSE: (_host, port) =>
    `port ${port} is in use (EADDRINUSE); stop what holds it or pass another --port (0 picks a free one)`,
  EACCES: (_host, port) =>
    `binding port ${port} is not permitted (EACCES); pass --port 1024 or above, or grant CAP_NET_BIND_SERVICE`,
  EAFNOSUPPORT: (host) =>
    `${host} is of an address family this machine lacks (EAFNOSUPPORT); pass another --host`,
};

/** A --host that is no address: the name lookup failed (it printed `getaddrinfo ENOTFOUND not a host`). */
const LOOKUP_FIX = (host: string, code: string): string =>
  `${JSON.stringify(host)} is neither an address nor a host name this machine can resolve (${code}); pass --host with one of its addresses, 127.0.0.1 or 0.0.0.0`;

/**
 * The one-line error for a failed listen on `host:port` naming the flag to change, or null when
 * `err` is not such a failure (then it is reported as it is).
 */
export function listenError(err: unknown, host: string, port: number): UsageError | null {
  const e = err as NodeJS.ErrnoException | null;
  if (e?.syscall === 'getaddrinfo' && e.code)
    return new UsageError(`cannot listen on ${host}:${port}: ${LOOKUP_FIX(host, e.code)}`);
  const fix = e?.syscall === 'listen' && e.code ? FIX[e.code] : undefined;
  return fix ? new UsageError(`cannot listen on ${host}:${port}: ${fix(host, port)}`) : null;
}

/**
 * Binds `host:port` once and lets go, so an address the kernel cannot listen on is refused
 * before start-up writes a keyring or starts plugins (a bind lost to a race in between is
 * still reported by {@link listenError}).
 */
export function checkListen(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err) => reject(listenError(err, host, port) ?? err));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
