import { en, type MessageKey } from './messages-en.js';

/** Parameters interpolated into a message's `{name}` placeholders. */
export type MessageParams = Record<string, string | number>;

const catalog: Record<MessageKey, string> = en;

/**
 * The message for `key` in the catalog, with `{name}` placeholders filled. Every string the
 * dashboard shows goes through here (one catalog per language; English is the reference).
 */
export function t(key: MessageKey, params?: MessageParams): string {
  const text = catalog[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

export type { MessageKey };
