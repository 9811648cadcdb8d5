import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { omegaError } from '../errors/index.js';
import { writeUpgradeProblem } from './write-upgrade-problem.js';

const CLAIMED = Symbol('omega.upgrade.claimed');

/** Marks an upgrade request as handled by one of the kernel's WebSocket endpoints. */
export function claimUpgrade(req: IncomingMessage): void {
  (req as unknown as Record<symbol, boolean>)[CLAIMED] = true;
}

/**
 * For an upgrade a listener does not handle: when it is the server's last 'upgrade' listener
 * and nobody claimed the request, answers 404 (Node would otherwise leave the socket hanging).
 * Listeners run in order, so the last one sees every earlier claim.
 */
export function refuseUnclaimed(
  server: { listeners(event: 'upgrade'): unknown[] },
  self: unknown,
  req: IncomingMessage,
  socket: Duplex,
): void {
  if ((req as unknown as Record<symbol, boolean>)[CLAIMED]) return;
  if (server.listeners('upgrade').at(-1) !== self) return;
  writeUpgradeProblem(socket, omegaError('OMEGA_ERR_NOT_FOUND', 'No WebSocket endpoint here.'), '/');
}
