/** One panel the dashboard may host, as `GET /api/v1/ui/panels` lists it (granted, plugin running). */
export interface PanelSpec {
  plugin: string;
  id: string;
  title: string;
  slot: 'dashboard' | 'node-page' | 'session-page' | 'tab';
  /** The page's path on the plugin's panel origin. */
  path: string;
  /** The page's full URL, on the panel origin the kernel chose for this browser (the shell never builds one). */
  url: string;
  topics: string[];
  reads: string[];
  actions: string[];
  /** The permission the signed-in user needs to run each action (by id), as the kernel checks it. */
  actionPermissions?: Record<string, string>;
}

/** Why the shell stopped a panel (shown to the user, with a detail). */
export type PanelStopCode =
  | 'oversize'
  | 'flood'
  | 'protocol'
  | 'forged-action'
  | 'forged-read'
  | 'stray-message'
  | 'navigated';

/** A fresh random nonce for one panel frame (128 bits, hex). */
export function newFrameNonce(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}

/** The URL the shell frames: the kernel's `url` for the panel with the frame's nonce as its fragment. */
export function panelFrameUrl(url: string, nonce: string): string {
  return `${url.split('#')[0]}#omega-frame=${nonce}`;
}

/** The hello the kernel's guard posts from a panel page: `{ type: 'omega.panel.hello', frame }`. */
export function isPanelHello(data: unknown): data is { type: 'omega.panel.hello'; frame: string } {
  const d = data as { type?: unknown; frame?: unknown } | null;
  return typeof d === 'object' && d !== null && d.type === 'omega.panel.hello' && typeof d.frame === 'string';
}
