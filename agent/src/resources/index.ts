export { fitReport, MAX_REPORT_JSON, type TrimmableList } from './fit-report.js';
export {
  type InterfaceReport,
  interfacesReport,
  MAX_REPORTED_INTERFACES,
  NET_INTERFACES_TOPIC,
  type NetInterfacesReport,
} from './network/interfaces-report.js';
export type { ReporterHost, ReporterLogger, ReporterOpContext } from './reporter-host.js';
export { silentReporterLogger } from './reporter-host.js';
export { createResourceMonitor, type IntervalReports, type ResourceMonitor } from './resource-monitor.js';
export { type ResourceOptions, resolveResourceOptions } from './resource-options.js';
export {
  DETAIL_SECTIONS,
  type DetailSection,
  RESOURCES_SUMMARY_TOPIC,
  type ResourceDetail,
  type ResourceSummary,
} from './resource-report.js';
export type { DiskFigures, InterfaceFigures, IntervalFigures } from './sampling/interval-figures.js';
export {
  type AgentResources,
  type ResourceAgent,
  startAgentResources,
} from './start-agent-resources.js';
export { type ResourceReporters, startResourceReporters } from './start-resource-reporters.js';
export { createUsageHistory, type UsageHistory } from './storage/usage-history.js';
export { createHeldDownLog, type HeldDownLog, type HeldDownSummary } from './thermal/held-down-log.js';
