import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { isNotFound } from '../../api/api-error.js';
import { ScrollRegion } from '../../components/scroll-region.js';
import { ErrorNotice } from '../../components/status-views.js';
import { useLive } from '../../components/use-live.js';
import { t } from '../../i18n/t.js';
import { useServices } from '../../shell/services.js';
import { useParam } from '../../state/url-state.js';

interface LogChunk {
  text: string;
  nextOffset: number;
}

const MAX_CHARS = 512 * 1024;

/** A session's output from an offset; new output is read when a `sessions.*.log` event says there is some. */
export function SessionLogs({ id }: { id: string }) {
  const { api } = useServices();
  const [stream, setStream] = useParam('stream', 'stdout');
  const [search, setSearch] = useParam('logq');
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const offset = useRef(0);
  const busy = useRef(false);
  const read = async () => {
    if (busy.current) return;
    busy.current = true;
    try {
      const r = await api.get<LogChunk>(
        `/sessions/${encodeURIComponent(id)}/logs?stream=${stream}&offset=${offset.current}`,
      );
      offset.current = r.nextOffset;
      if (r.text) setText((old) => (old + r.text).slice(-MAX_CHARS));
      setError(undefined);
    } catch (err) {
      setError(err);
    } finally {
      busy.current = false;
    }
  };
  useEffect(() => {
    offset.current = 0;
    setText('');
    void read();
  }, [id, stream]);
  useLive(['sessions.**'], (e) => {
    const d = e.data as { id?: string; session?: string } | null;
    if (e.topic.endsWith('.log') && (d?.id === id || d?.session === id)) void read();
  });
  const lines = useMemo(() => {
    const all = text.split('\n');
    const q = search.toLowerCase();
    return q ? all.filter((l) => l.toLowerCase().includes(q)) : all;
  }, [text, search]);
  return (
    <section class="card" aria-labelledby="session-logs">
      <h2 id="session-logs">{t('sessions.logs')}</h2>
      <div class="filters">
        <label class="field-inline">
          <span>{t('sessions.stream')}</span>
          <select value={stream} onChange={(e) => setStream(e.currentTarget.value)}>
            <option value="stdout">stdout</option>
            <option value="stderr">stderr</option>
          </select>
        </label>
        <label class="field-inline">
          <span>{t('common.search')}</span>
          <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
      </div>
      {error !== undefined ? (
        isNotFound(error) ? (
          <p class="muted">{t('sessions.noLogs')}</p>
        ) : (
          <ErrorNotice error={error} />
        )
      ) : null}
      <ScrollRegion class="logs" label={t('sessions.logs')}>
        <pre>{lines.join('\n')}</pre>
      </ScrollRegion>
    </section>
  );
}
