/** Content types whose body is text; anything else is returned as base64. */
const TEXTUAL =
  /^(text\/|application\/([\w.-]+\+)?(json|xml|javascript|x-www-form-urlencoded|x-ndjson|yaml|graphql)\b)|^[^;]*\+(json|xml)\b/i;

/** A response body as plain data: UTF-8 text when it is text and valid UTF-8, else base64. */
export function decodeText(
  bytes: Buffer,
  contentType: string | undefined,
): { body: string; bodyEncoding: 'utf8' | 'base64' } {
  if (contentType === undefined || contentType === '' || TEXTUAL.test(contentType.trim())) {
    try {
      return { body: new TextDecoder('utf-8', { fatal: true }).decode(bytes), bodyEncoding: 'utf8' };
    } catch {
      // not valid UTF-8: fall through to base64
    }
  }
  return { body: bytes.toString('base64'), bodyEncoding: 'base64' };
}
