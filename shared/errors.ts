// Typed domain errors: domain code throws these, and the API maps them to statuses in one place.

export type ErrorCode =
  | 'invalid_request'
  | 'invalid_field'
  | 'event_too_large'
  | 'value_too_deep'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'already_exists'
  | 'segment_not_ready'
  | 'not_classification'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'internal_error'
  | 'storage_unavailable';

export class DomainError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 503,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInput extends DomainError {
  constructor(message: string, code: ErrorCode = 'invalid_field') {
    super(400, code, message);
  }
}

/** An error of one status and code, named by the class that extends it: only its message varies. */
function errorOf(status: DomainError['status'], code: ErrorCode) {
  return class extends DomainError {
    constructor(message: string) {
      super(status, code, message);
    }
  };
}

export class NotFound extends errorOf(404, 'not_found') {}

export class AlreadyExists extends errorOf(409, 'already_exists') {}

export class Unauthorized extends DomainError {
  constructor(message = 'A valid bearer token is required in the Authorization header.') {
    super(401, 'unauthorized', message);
  }
}

export class Forbidden extends errorOf(403, 'forbidden') {}

export class PayloadTooLarge extends errorOf(413, 'payload_too_large') {}

export class UnsupportedMediaType extends errorOf(415, 'unsupported_media_type') {}

/**
 * Storage cannot take the request now (a full disk, a storage worker restarting, throttling that outlasted
 * retries): nothing was acknowledged, and the same request may be sent again.
 */
export class StorageUnavailable extends errorOf(503, 'storage_unavailable') {}
