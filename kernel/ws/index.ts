export {
  attachEventsGateway,
  type EventsGateway,
  type EventsGatewayOptions,
} from './attach-events-gateway.js';
export { claimUpgrade, refuseUnclaimed } from './claim-upgrade.js';
export { EVENTS_SUBPROTOCOL, eventFrame, helloFrame, resyncFrame } from './event-frames.js';
export { normaliseBearer } from './normalise-bearer.js';
export { type EventsQuery, parseEventsQuery } from './parse-events-query.js';
export {
  CLOSE_CREDENTIAL,
  CLOSE_FORBIDDEN,
  CLOSE_UNCHECKED,
  MAX_FAILED_CHECKS,
  RECHECKS_AT_ONCE,
  type UpgradeCredentials,
} from './recheck-credential.js';
export { CLOSE_RESYNC, type EventsClient, serveEventsClient } from './serve-events-client.js';
export { writeUpgradeProblem } from './write-upgrade-problem.js';
