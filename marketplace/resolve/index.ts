export { consentPlan, describePlan, type Plan, type PlanRequest, type PlanStep } from './consent-plan.js';
export {
  type ConsentSubject,
  DEFAULT_LIMITS,
  type LimitChange,
  type PermissionDiff,
  type PublisherRef,
  permissionDiff,
  type RouteChange,
  routeConsents,
} from './permission-diff.js';
export {
  type Candidate,
  type InstalledPlugin,
  type ResolvedStep,
  type ResolveInput,
  resolvePlugins,
} from './resolve-plugins.js';
