import { useEffect, useMemo } from 'preact/hooks';
import { createApiClient } from '../api/api-client.js';
import { type AuthSession, createAuthSession } from '../auth/auth-session.js';
import { ADMIN_IDLE_MS, watchIdle } from '../auth/idle-logout.js';
import { isAdmin } from '../auth/me.js';
import { takeKioskTokenFromUrl } from '../auth/token-storage.js';
import { createEventStream, type EventStream } from '../events/event-stream.js';
import { t } from '../i18n/t.js';
import { useStore } from '../state/store.js';
import { type Services, ServicesContext } from './services.js';
import { Shell } from './shell.js';
import { SignIn } from './sign-in.js';

/** Topics the dashboard follows; security events only for those who may read them (else the kernel refuses the socket). */
function topicsFor(auth: AuthSession): string[] {
  const topics = [
    'ops.**',
    'kernel.**',
    'plugins.**',
    'metrics.**',
    'nodes.**',
    'sessions.**',
    'marketplace.**',
    'resources.**',
    'network.**',
  ];
  if (auth.can('security:read')) topics.push('security.**');
  return topics;
}

/** Builds the services once: a public client (sign-in), the session, the authenticated client. */
function createServices(): { auth: AuthSession; api: Services['api'] } {
  const publicApi = createApiClient({ token: () => null, renew: async () => false });
  let api: Services['api'] | undefined;
  const auth = createAuthSession(publicApi, () => api as Services['api']);
  api = createApiClient(auth.creds);
  return { auth, api };
}

/** The root: restores the session, then shows sign-in or the shell; one event stream per sign-in. */
export function App() {
  const { auth, api } = useMemo(createServices, []);
  const state = useStore(auth.state);
  const signedIn = state.kind === 'user' || state.kind === 'kiosk';
  const who = state.kind === 'user' ? state.me.id : state.kind;
  const stream = useMemo<EventStream | null>(
    () => (signedIn ? createEventStream({ topics: topicsFor(auth), token: auth.creds.token }) : null),
    [signedIn, who],
  );

  useEffect(() => {
    const kiosk = takeKioskTokenFromUrl(location, history);
    void (kiosk ? auth.useKiosk(kiosk) : auth.start());
  }, [auth]);

  useEffect(() => {
    if (!stream) return;
    stream.start();
    return () => stream.stop();
  }, [stream]);

  useEffect(() => {
    if (state.kind !== 'user' || !isAdmin(state.me)) return;
    return watchIdle(window, ADMIN_IDLE_MS, () => void auth.signOut('idle'));
  }, [state, auth]);

  if (state.kind === 'loading')
    return (
      <p class="splash" aria-busy="true">
        {t('common.loading')}
      </p>
    );
  if (!signedIn || !stream)
    return <SignIn auth={auth} reason={state.kind === 'signed-out' ? state.reason : undefined} />;
  return (
    <ServicesContext.Provider value={{ api, auth, stream }}>
      <Shell who={state} />
    </ServicesContext.Provider>
  );
}
