export { type ArtifactStore, artifactStore } from './artifact-store.js';
export { consentBaseline } from './consent-baseline.js';
export { type Health, healthCheck } from './health-check.js';
export { type FileInstallOptions, type FileInstallOutcome, installFile } from './install-file.js';
export {
  type InstalledRelease,
  type InstalledState,
  loadInstalledState,
  saveInstalledState,
} from './installed-state.js';
export { fromStore, type SwitchStep, type SwitchTarget, switchPlugins } from './switch-plugins.js';
export { publisherTrust, verifyArtifact } from './verify-artifact.js';
