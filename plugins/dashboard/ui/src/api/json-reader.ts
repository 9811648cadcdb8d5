/**
 * What reads JSON from the kernel's `/api/v1` (`ApiClient` is one): all that pure readers
 * such as `readAllPages` and `queryMinMax` need, so they (and their unit tests) do not load the
 * browser client.
 */
export interface JsonReader {
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
}
