export { kernelTarget } from './kernel-target.js';
export {
  decodeProbePacket,
  encodeProbePacket,
  PROBE_PACKET_BYTES,
  type ProbePacket,
} from './probe-packet.js';
export { MAX_PLAN_PEERS, type ProbePeer, type ProbePlan, parseProbePlan } from './probe-plan.js';
export { openProbeSocket, type ProbeSocket, type ResponderStats } from './probe-socket.js';
export { createProbeWindow, quantile, summarizeWindow, type WindowSummary } from './probe-window.js';
export { sourceAddressToward } from './source-address.js';
export {
  DEFAULT_PROBE_PORT,
  NET_PROBE_TOPIC,
  type NetProbeReport,
  type Netprobe,
  type NetprobeOptions,
  startNetprobe,
} from './start-netprobe.js';
export { tcpConnectRtt } from './tcp-connect-rtt.js';
