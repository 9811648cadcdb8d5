export { loadPluginUi } from './load-plugin-ui.js';
export { panelConsent, panelConsents, panelsAfterInstall } from './panel-consent.js';
export {
  hasFrameMarkup,
  PANEL_GUARD_JS,
  PANEL_GUARD_NAME,
  PANEL_HELLO,
  withPanelGuard,
} from './panel-guard.js';
export { createPanelOrigins, type PanelOrigins } from './panel-origins.js';
export {
  type HostedPanel,
  hostedPanels,
  type PanelSource,
  panelActionTopic,
  panelRoutes,
} from './panel-routes.js';
export type { PluginUi, UiAsset } from './plugin-ui.js';
export { UI_MEDIA_TYPES, uiContentType } from './ui-content-type.js';
