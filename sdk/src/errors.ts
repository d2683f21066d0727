// The one error the SDK throws for a failed request, carrying the contract's error body.
import type { ApiErrorBody } from './types.js';

export class ModelwatchError extends Error {
  /** HTTP status; 0 when the service could not be reached at all. */
  readonly status: number;
  /** The contract's stable error code (`not_found`, `invalid_field`, ...), or `network_error`. */
  readonly code: string;
  /**
   * True when an earlier attempt of this request failed in a way that may have let it take effect
   * (a 5xx or a lost connection), so a 409 may be our own earlier write.
   */
  readonly replayed: boolean;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { replayed?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelwatchError';
    this.status = status;
    this.code = code;
    this.replayed = options.replayed ?? false;
  }

  /** Builds the error from an HTTP answer, reading the `{"error": {code, message}}` body when present. */
  static fromAnswer(status: number, text: string, replayed: boolean): ModelwatchError {
    let code = `http_${status}`;
    let message = text.trim().slice(0, 500) || `the service answered HTTP ${status}`;
    try {
      const body = JSON.parse(text) as Partial<ApiErrorBody>;
      if (body?.error && typeof body.error.code === 'string') {
        code = body.error.code;
        message = typeof body.error.message === 'string' ? body.error.message : message;
      }
    } catch {
      // Not JSON (a proxy's HTML page, say): the text itself is the best message there is.
    }
    return new ModelwatchError(status, code, message, { replayed });
  }
}

/** True for a 409 answered to a retry whose earlier attempt may have been our own successful write. */
export function isReplayedConflict(error: unknown): error is ModelwatchError {
  return error instanceof ModelwatchError && error.status === 409 && error.replayed;
}
