export { type ArtifactStore, artifactStore } from './artifact-store.js';
export { type Health, healthCheck } from './health-check.js';
export {
  type InstalledRelease,
  type InstalledState,
  loadInstalledState,
  saveInstalledState,
} from './installed-state.js';
export { fromStore, type SwitchStep, type SwitchTarget, switchPlugins } from './switch-plugins.js';
export { publisherTrust, verifyArtifact } from './verify-artifact.js';
