export { type BudgetVerdict, type ByteBudget, createByteBudget } from './byte-budget.js';
export { messageBytes } from './message-bytes.js';
export { PanelFrame, PORT_MESSAGE } from './panel-frame.js';
export { type PanelIncident, panelIncidents, recordIncident } from './panel-incidents.js';
export {
  type PanelEvent,
  type PanelPort,
  type PanelSession,
  type PanelSessionDeps,
  type PanelSessionEvents,
  startPanelSession,
} from './panel-session.js';
export { PanelSlot } from './panel-slot.js';
export {
  isPanelHello,
  newFrameNonce,
  type PanelSpec,
  type PanelStopCode,
  panelFrameUrl,
} from './panel-spec.js';
export { PanelTab } from './panel-tab.js';
export { isPanelTabId, panelTabId } from './panel-tab-id.js';
export { resolveRead } from './resolve-read.js';
export { type PanelList, PanelListContext, useHostedPanels, usePanels } from './use-panels.js';
