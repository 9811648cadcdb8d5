import { useState } from 'preact/hooks';
import { useLive } from '../../components/use-live.js';
import type { StreamEvent } from '../../events/event-stream.js';
import { formatClock } from '../../i18n/format.js';
import { t } from '../../i18n/t.js';

const KEPT = 12;

/** The newest events on the stream (samples left out), as they arrive. */
export function EventsCard() {
  const [events, setEvents] = useState<StreamEvent[]>([]);
  useLive(['**'], (e) => {
    if (e.topic === 'metrics.sample') return;
    setEvents((old) => [e, ...old].slice(0, KEPT));
  });
  return (
    <section class="card card-wide" aria-labelledby="card-events">
      <h2 id="card-events">{t('dash.events')}</h2>
      {events.length === 0 ? (
        <p class="muted">{t('dash.eventsWaiting')}</p>
      ) : (
        <ol class="plain events" data-testid="event-feed">
          {events.map((e) => (
            <li key={e.seq} data-seq={e.seq}>
              <span class="muted">{formatClock(e.time)}</span> <code>{e.topic}</code>{' '}
              <span class="muted">#{e.seq}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
