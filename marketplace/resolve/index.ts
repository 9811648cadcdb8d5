export { type PermissionDiff, permissionDiff, type ReleaseIdentity } from './permission-diff.js';
export {
  type Candidate,
  type InstalledPlugin,
  type ResolvedStep,
  type ResolveInput,
  resolvePlugins,
} from './resolve-plugins.js';
