export type { AgentEvent, Transport } from './agent-event.js';
export { CLOSE as AGENT_CLOSE } from './agent-session.js';
export { certificateSha256 } from './certificate-sha256.js';
export { type AgentGateway, type AgentGatewayOptions, createAgentGateway } from './create-agent-gateway.js';
export { createEventBatcher, type EventBatcher } from './create-event-batcher.js';
export {
  AGENT_SERVICE,
  createMdnsDiscovery,
  type MdnsDiscovery,
  type MdnsDiscoveryOptions,
} from './create-mdns-discovery.js';
export { type DnsSdInstance, parseDnsSdAnswer, ptrQuery } from './dns-sd.js';
export { AGENT_GATEWAY_SERVICE, type GatewayPlugin, gatewayPlugin } from './gateway-plugin.js';
export { lateAgents } from './late-agents.js';
export {
  type Endpoint,
  parseTcpRow,
  procKey,
  type TransportEvidence,
  tcpEvidence,
  tcpEvidenceMany,
} from './tcp-evidence.js';
