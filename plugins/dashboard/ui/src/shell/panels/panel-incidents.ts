import { createStore, type Store } from '../../state/store.js';
import type { PanelStopCode } from './panel-spec.js';

/** Why a panel was stopped, and when (shown in its place until the page is reloaded). */
export interface PanelIncident {
  code: PanelStopCode;
  detail: string;
  at: number;
}

/** The panels the shell stopped in this page, by `<plugin>/<panel>`: a stopped panel stays stopped. */
export const panelIncidents: Store<ReadonlyMap<string, PanelIncident>> = createStore(new Map());

/** Records that panel `key` was stopped (the first reason wins). */
export function recordIncident(key: string, code: PanelStopCode, detail: string): void {
  const now = panelIncidents.get();
  if (now.has(key)) return;
  panelIncidents.set(new Map(now).set(key, { code, detail, at: Date.now() }));
}
