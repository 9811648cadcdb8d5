/** An RFC 9457 problem answered by the kernel (or a network failure), with its stable code. */
export class ApiError extends Error {
  /** HTTP status (0 when the request never got an answer). */
  readonly status: number;
  /** The kernel's stable error code, e.g. `OMEGA_ERR_NOT_FOUND`. */
  readonly code: string;
  /** The whole problem document, for fields such as `plan` or `errors`. */
  readonly problem: Record<string, unknown>;

  constructor(status: number, code: string, message: string, problem: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.problem = problem;
  }
}

/** True when `err` is an {@link ApiError} answering 404 (a plugin's API that is not installed). */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}

/** Reads a failed response as an {@link ApiError} (problem+json when the kernel sent one). */
export async function toApiError(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await res.json();
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: keep the status.
  }
  const code = typeof body.code === 'string' ? body.code : `HTTP_${res.status}`;
  const detail =
    typeof body.detail === 'string' ? body.detail : typeof body.title === 'string' ? body.title : '';
  return new ApiError(res.status, code, detail || res.statusText || `HTTP ${res.status}`, body);
}
