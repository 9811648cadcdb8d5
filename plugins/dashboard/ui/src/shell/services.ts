import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.js';
import type { AuthSession } from '../auth/auth-session.js';
import type { EventStream } from '../events/event-stream.js';

/** What every view reaches: the API client, the session and the one event stream. */
export interface Services {
  api: ApiClient;
  auth: AuthSession;
  stream: EventStream;
}

/** The services context (provided once by the shell). */
export const ServicesContext = createContext<Services | null>(null);

/** The app's services; throws outside the shell. */
export function useServices(): Services {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('useServices outside <ServicesContext.Provider>');
  return s;
}
