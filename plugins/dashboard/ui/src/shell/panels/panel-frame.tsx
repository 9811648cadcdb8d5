import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { t } from '../../i18n/t.js';
import { useStore } from '../../state/store.js';
import { useServices } from '../services.js';
import { panelIncidents, recordIncident } from './panel-incidents.js';
import { type PanelSession, startPanelSession } from './panel-session.js';
import {
  isPanelHello,
  newFrameNonce,
  type PanelSpec,
  type PanelStopCode,
  panelFrameUrl,
} from './panel-spec.js';

type Args = Record<string, string | number | boolean | null>;
interface Ask {
  action: string;
  args: Args;
  resolve: (outcome: 'done' | 'cancelled') => void;
}

/** The message that carries a panel's port; the only thing the shell ever posts to its window. */
export const PORT_MESSAGE = { type: 'omega.panel.port' } as const;

/** How long after its load a panel's page has to say hello before the shell stops the frame. */
const HELLO_WAIT_MS = 10_000;

/**
 * One panel: an iframe of the URL the kernel listed (the plugin's own site; `sandbox="allow-scripts"`:
 * an opaque origin, no storage, no popups, no top navigation) with a fresh random nonce in its
 * fragment. The kernel's guard script in the panel's page says hello with that nonce; only then,
 * and on the frame's first load, is the page handed one MessagePort. A page that cannot show the
 * nonce — the panel navigated its frame to another plugin's panel before its first load — gets no
 * port: the frame is stopped. The session behind it weighs every message and stops the panel at
 * the first breach: the frame is removed, the reason shown in its place and reported to the kernel
 * (audited). A second load (the panel navigated its frame) stops it too. Actions it requests are confirmed by the user
 * here and carried out by the kernel, which audits them.
 */
export function PanelFrame({ spec, context }: { spec: PanelSpec; context: Record<string, string> }) {
  const { api, stream } = useServices();
  const key = `${spec.plugin}/${spec.id}`;
  const incident = useStore(panelIncidents).get(key);
  const ref = useRef<HTMLIFrameElement>(null);
  const [health, setHealth] = useState<'loading' | 'live' | 'unresponsive'>('loading');
  const [height, setHeight] = useState(240);
  const [ask, setAsk] = useState<Ask | null>(null);
  const contextKey = JSON.stringify(context);

  // A fresh nonce per frame (and per context: the frame reloads with a new one).
  const nonce = useMemo(newFrameNonce, [key, contextKey]);

  // Listening starts in the render that inserts the frame (a layout effect runs in that same task):
  // the page's load and hello arrive as later tasks, whereas an effect after the next paint could
  // come after both when the shell is busy, leaving the panel "loading" for good or stopped for a
  // hello it had missed.
  useLayoutEffect(() => {
    const frame = ref.current;
    if (!frame || incident) return;
    let session: PanelSession | null = null;
    let loads = 0;
    let hello = false;
    let helloTimer: ReturnType<typeof setTimeout> | undefined;
    const stop = (code: PanelStopCode, detail: string) => {
      clearTimeout(helloTimer);
      session?.stop();
      recordIncident(key, code, detail);
      api
        .send(
          'POST',
          `/ui/panels/${encodeURIComponent(spec.plugin)}/${encodeURIComponent(spec.id)}/incidents`,
          {
            code,
            detail,
          },
        )
        .catch(() => {});
    };
    /** The port goes out once the frame has loaded its first page and that page showed the nonce. */
    const start = () => {
      if (session || !hello || loads !== 1) return;
      clearTimeout(helloTimer);
      const channel = new MessageChannel();
      session = startPanelSession(
        spec,
        context,
        channel.port1,
        {
          read: (path) => api.get(path),
          on: (pattern, fn) => stream.on(pattern, fn),
          confirm: (action, args) => new Promise((resolve) => setAsk({ action, args, resolve })),
        },
        {
          onQuarantine: (code, detail) => stop(code, detail),
          onHealth: setHealth,
          onResize: setHeight,
        },
      );
      setHealth('live');
      // An opaque origin cannot be named: '*' is the only target; the port goes to this window only.
      frame.contentWindow?.postMessage(PORT_MESSAGE, '*', [channel.port2]);
    };
    const onLoad = () => {
      if (++loads > 1) return stop('navigated', 'its frame loaded a second page');
      if (hello) return start();
      helloTimer = setTimeout(
        () =>
          stop(
            'navigated',
            "its frame holds a page that is not the panel's own (it never showed the frame's nonce)",
          ),
        HELLO_WAIT_MS,
      );
    };
    /** A panel may talk only over its port: anything it posts to this window is weighed, then stops it. */
    const onWindowMessage = (e: MessageEvent) => {
      if (e.source === null || e.source !== frame.contentWindow) return;
      e.stopImmediatePropagation();
      if (session) return session.stray(e.data);
      if (!hello && isPanelHello(e.data)) {
        if (e.data.frame !== nonce)
          return stop(
            'navigated',
            "its frame holds a page that is not the panel's own (a wrong frame nonce)",
          );
        hello = true;
        return start();
      }
      stop('stray-message', 'a message to the shell outside its port');
    };
    frame.addEventListener('load', onLoad);
    addEventListener('message', onWindowMessage, true);
    return () => {
      clearTimeout(helloTimer);
      frame.removeEventListener('load', onLoad);
      removeEventListener('message', onWindowMessage, true);
      session?.stop();
    };
  }, [key, incident, contextKey, nonce]);

  if (incident) {
    return (
      <section class="card panel panel-stopped" data-panel={key} data-panel-state="quarantined" role="alert">
        <h2>{spec.title}</h2>
        <div class="notice notice-error">
          <strong>{t('panels.stopped', { plugin: spec.plugin })}</strong>
          <p>
            {t(`panels.reason.${incident.code}`)} ({incident.detail})
          </p>
          <code class="code-tag">{incident.code}</code>
          <p>{t('panels.stoppedHelp', { plugin: spec.plugin })}</p>
        </div>
      </section>
    );
  }
  return (
    <section class="card panel" data-panel={key} data-panel-state={health}>
      <h2>
        {spec.title} <span class="muted">{t('panels.by', { plugin: spec.plugin })}</span>
        {health === 'unresponsive' ? <span class="state state-warn">{t('panels.unresponsive')}</span> : null}
      </h2>
      <iframe
        ref={ref}
        class="panel-frame"
        data-panel-frame={key}
        title={spec.title}
        sandbox="allow-scripts"
        referrerpolicy="no-referrer"
        allow=""
        src={panelFrameUrl(spec.url, nonce)}
        style={{ height: `${height}px` }}
      />
      {ask ? (
        <ConfirmDialog
          title={t('panels.confirmTitle', { plugin: spec.plugin, panel: spec.title })}
          confirmLabel={t('panels.confirm')}
          onConfirm={async () => {
            await api.send(
              'POST',
              `/ui/panels/${encodeURIComponent(spec.plugin)}/${encodeURIComponent(spec.id)}/actions`,
              { action: ask.action, args: ask.args },
            );
            ask.resolve('done');
          }}
          onClose={() => {
            ask.resolve('cancelled'); // a no-op after 'done': a promise settles once
            setAsk(null);
          }}
        >
          <p>{t('panels.confirmBody', { plugin: spec.plugin, action: ask.action })}</p>
          {spec.actionPermissions?.[ask.action] ? (
            <p class="muted" data-panel-action-permission>
              {t('panels.confirmNeeds', { permission: spec.actionPermissions[ask.action] ?? '' })}
            </p>
          ) : null}
          <pre class="panel-args" data-panel-args>
            {JSON.stringify(ask.args, null, 2)}
          </pre>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
