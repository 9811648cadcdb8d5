import { definePlugin } from '@omega/sdk';

/**
 * The dashboard plugin. Its feature is the browser UI in `dist/ui` (built from `ui/` by Vite),
 * which the kernel serves itself from the verified bundle under `/ui/dashboard/` with a strict
 * Content-Security-Policy; the UI talks to the kernel's public API with the signed-in user's
 * token. The plugin code has nothing to do at run time: it needs no permission, registers no
 * route, and holds no state, so it activates and deactivates without side effects.
 */
export const plugin = definePlugin({});
