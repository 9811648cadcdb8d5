import { actorOf, errorCode, json, type PluginResponse, problem, type SchemaRequest } from '@omega/sdk';
import { silenceView } from '../alerts/alert-silencing.js';
import { parseSilence } from '../alerts/silence.js';
import { MAX_ACTIVE_SILENCES } from '../alerts/silence-store.js';
import type { MetricsService } from '../metrics-service.js';
import { badParam } from './metrics-routes.js';
import type { routeSchemas } from './route-schemas.js';

type RouteSchemas = typeof routeSchemas;

const noSilence = (id: string) => problem(404, 'OMEGA_ERR_NOT_FOUND', `No silence "${id}".`, { silence: id });

/** Acknowledge and silence routes. */
export function silenceRoutes(service: () => MetricsService) {
  return {
    /** POST /alerts/:id/ack — body {reason}: someone is on it; lasts until the alert resolves. */
    async ackAlert(req: SchemaRequest<RouteSchemas['ackAlert']>): Promise<PluginResponse> {
      const s = service();
      const id = req.params.id;
      // The kernel checked the alert id's form and the reason (1–500 characters, not blank).
      const a = await s.silencing.acknowledge(id, req.body.reason.trim(), actorOf(req));
      if (!a)
        return problem(
          404,
          'OMEGA_ERR_NOT_FOUND',
          `No pending or firing alert "${id}" (it may have resolved); list them with GET /api/v1/metrics/alerts.`,
          { alert: id },
        );
      return json(200, s.silencing.view(a));
    },

    /** GET /alerts/silences[?state=active|expired] — newest first. */
    async listSilences(req: SchemaRequest<RouteSchemas['listSilences']>): Promise<PluginResponse> {
      const s = service();
      const state = req.query.state as 'active' | 'expired' | undefined;
      const now = s.now();
      return json(200, { items: s.silencing.silences.list(now, state).map((r) => silenceView(r, now)) });
    },

    /** GET /alerts/silences/:id */
    async getSilence(req: SchemaRequest<RouteSchemas['getSilence']>): Promise<PluginResponse> {
      const s = service();
      const id = req.params.id;
      const r = s.silencing.silences.get(id);
      return r ? json(200, silenceView(r, s.now())) : noSilence(id);
    },

    /** POST /alerts/silences — body {rule?, labels?, reason, for | until}. */
    async createSilence(req: SchemaRequest<RouteSchemas['createSilence']>): Promise<PluginResponse> {
      const s = service();
      const now = s.now();
      const actor = actorOf(req);
      const parsed = parseSilence(req.body, now, { id: actor.id, name: actor.name });
      if ('field' in parsed) return badParam(parsed);
      if (s.silencing.silences.activeCount(now) >= MAX_ACTIVE_SILENCES)
        return problem(
          409,
          'OMEGA_ERR_CONFLICT',
          `${MAX_ACTIVE_SILENCES} silences are in force already; expire some (DELETE /api/v1/metrics/alerts/silences/:id) first.`,
        );
      const rec = await s.silencing.silence(parsed.silence, actor);
      return json(201, silenceView(rec, now));
    },

    /** DELETE /alerts/silences/:id[?version=] — expires it now (it stays listed as expired). */
    async expireSilence(req: SchemaRequest<RouteSchemas['expireSilence']>): Promise<PluginResponse> {
      const s = service();
      const id = req.params.id;
      const old = s.silencing.silences.get(id);
      if (!old) return noSilence(id);
      // The kernel checked `version` is digits.
      const expected = req.query.version === undefined ? undefined : Number(req.query.version);
      const now = s.now();
      if (old.value.endsAt <= now) return json(200, silenceView(old, now));
      try {
        return json(200, silenceView(await s.silencing.expire(id, actorOf(req), expected), s.now()));
      } catch (err) {
        if (errorCode(err) === 'OMEGA_ERR_CONFLICT')
          return problem(409, 'OMEGA_ERR_CONFLICT', `Silence "${id}" changed since version ${expected}.`, {
            silence: id,
          });
        throw err;
      }
    },
  };
}
