import { omegaError } from '../errors/index.js';
import type { SandboxAgents } from '../sandbox/index.js';

/**
 * The agents capability before the gateway exists: plugins are created before the HTTP server
 * listens, the gateway after. Calls before `bind` answer OMEGA_ERR_UNAVAILABLE.
 */
export function lateAgents(): { host: SandboxAgents; bind(target: SandboxAgents): void } {
  let target: SandboxAgents | undefined;
  const need = (): SandboxAgents => {
    if (!target) throw omegaError('OMEGA_ERR_UNAVAILABLE', 'The agent gateway is not running yet.');
    return target;
  };
  const host: SandboxAgents = {
    send: async (node, message) => need().send(node, message),
    disconnect: async (node, reason) => need().disconnect(node, reason),
    connections: async () => need().connections(),
    info: async () => need().info(),
    invite: async (address, port, invitation) => need().invite(address, port, invitation),
    discovered: async () => need().discovered(),
  };
  return {
    host,
    bind(t) {
      target = t;
    },
  };
}
