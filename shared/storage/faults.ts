// The line between failures: storage being unavailable (a full disk, a storage worker restarting, throttling
// that outlasted retries) answers 503 and is retried; data the storage refuses for what it holds is poison;
// anything else is a defect.
import { StorageUnavailable } from '../errors.js';

// Throttling, timeouts, unreachable or failing storage: the same call succeeds later.
const UNAVAILABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'TransactionConflictException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'SlowDown',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
]);
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'EROFS',
  'EMFILE',
  'ENFILE',
]);
// Refused for what it holds: written again, it fails again.
const POISON_NAMES = new Set(['ValidationException', 'SerializationException']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  status?: unknown;
  message?: unknown;
  cause?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** A failure of the storage or the network, not of the data or the request: retried, answered with 503. */
export function isStorageFault(error: unknown): boolean {
  let current = error as ErrorLike | undefined;
  // Wrappers (a storage_unavailable error, an SDK error around a socket error) keep the real cause.
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    if (current instanceof StorageUnavailable) return true;
    const status =
      current.$metadata?.httpStatusCode ?? (typeof current.status === 'number' ? current.status : 0);
    if (
      UNAVAILABLE_NAMES.has(String(current.name)) ||
      UNAVAILABLE_CODES.has(String(current.code)) ||
      current.$retryable !== undefined ||
      status >= 500 ||
      status === 429 ||
      (typeof current.message === 'string' && /socket hang up|no space left on device/i.test(current.message))
    )
      return true;
    current = current.cause as ErrorLike | undefined;
  }
  return false;
}

/**
 * A failure the data itself causes (an item over the size limit, a value too deep to serialise, values that do
 * not decode). Anything else is presumed transient: retrying a poison record costs a delay, while quarantining
 * a record that only met a passing fault would leave it out of the metrics.
 */
export function isPoison(error: unknown): boolean {
  if (!(error instanceof Error) || isStorageFault(error)) return false;
  return (
    POISON_NAMES.has(error.name) ||
    error instanceof RangeError ||
    error instanceof TypeError ||
    error instanceof SyntaxError
  );
}

/** The error as a 503 when it is a storage fault, else unchanged. */
export function asStorageUnavailable(error: unknown): unknown {
  if (error instanceof StorageUnavailable || !isStorageFault(error)) return error;
  const detail = error instanceof Error ? error.message || error.name : String(error);
  return new StorageUnavailable(
    `storage is not available right now (${detail}); nothing was acknowledged, retry the request`,
  );
}
