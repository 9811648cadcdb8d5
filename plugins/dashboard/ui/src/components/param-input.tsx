import { useEffect, useState } from 'preact/hooks';
import { useParam } from '../state/url-state.js';

/**
 * A text filter bound to a URL parameter: typing stays local (a re-render from live data never
 * wipes what is being typed), the value goes into the URL when committed (Enter or leaving the
 * field), and a URL change (back, a link) shows up in the field.
 */
export function ParamInput(props: { param: string; label: string; type?: string; placeholder?: string }) {
  const [value, setValue] = useParam(props.param);
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <label class="field-inline">
      <span>{props.label}</span>
      <input
        type={props.type ?? 'text'}
        value={draft}
        placeholder={props.placeholder}
        onInput={(e) => setDraft(e.currentTarget.value)}
        onChange={(e) => setValue(e.currentTarget.value)}
      />
    </label>
  );
}
