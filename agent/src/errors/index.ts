export { AgentError, type AgentErrorExtras, agentError, hasAgentErrorCode } from './agent-error.js';
export { AGENT_ERROR_CODES, type AgentErrorCode, type AgentErrorSpec } from './agent-error-codes.js';
