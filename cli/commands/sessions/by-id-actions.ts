import type { KernelApi } from '../../kernel-api.js';
import { output } from '../../output.js';
import type { ActionHandler } from './action-handler.js';
import { type Obj, one, str, type Values } from './flags.js';
import { graceFlag } from './grace-flag.js';
import { sessionText } from './session-text.js';

type ByIdAction = 'show' | 'usage' | 'kill' | 'pause' | 'resume';

/** An action on the one session its id names: the call, then its answer printed. */
function byId(
  action: ByIdAction,
  call: (api: KernelApi, path: { id: string }, values: Values) => Promise<unknown>,
): ActionHandler {
  return async (values, args, api) => {
    const id = one(args, `${action} needs exactly one session id`);
    const data = await call(api, { id }, values);
    output(values.json === true, data, () => sessionText(action, data));
    return 0;
  };
}

/** `sessions show|usage|kill|pause|resume ID`. */
export const byIdActions: { [A in ByIdAction]: ActionHandler } = {
  show: byId('show', (api, path) => api.get('/api/v1/sessions/{id}', { path })),
  usage: byId('usage', (api, path, values) =>
    api.get('/api/v1/sessions/{id}/usage', { path, query: values.fresh === true ? { fresh: 'true' } : {} }),
  ),
  kill: byId('kill', (api, path, values) => {
    const body: Obj = {};
    if (str(values.reason)) body.reason = values.reason;
    if (str(values.grace)) body.graceMs = graceFlag(values.grace as string);
    return api.post('/api/v1/sessions/{id}/terminate', { path, body });
  }),
  pause: byId('pause', (api, path) => api.post('/api/v1/sessions/{id}/pause', { path, body: {} })),
  resume: byId('resume', (api, path) => api.post('/api/v1/sessions/{id}/resume', { path, body: {} })),
};
