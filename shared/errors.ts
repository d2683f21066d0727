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

export class NotFound extends DomainError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

export class AlreadyExists extends DomainError {
  constructor(message: string) {
    super(409, 'already_exists', message);
  }
}

export class Unauthorized extends DomainError {
  constructor(message = 'A valid bearer token is required in the Authorization header.') {
    super(401, 'unauthorized', message);
  }
}

export class Forbidden extends DomainError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

export class PayloadTooLarge extends DomainError {
  constructor(message: string) {
    super(413, 'payload_too_large', message);
  }
}

export class UnsupportedMediaType extends DomainError {
  constructor(message: string) {
    super(415, 'unsupported_media_type', message);
  }
}

/**
 * Storage cannot take the request now (a full disk, a storage worker restarting, throttling that outlasted
 * retries): nothing was acknowledged, and the same request may be sent again.
 */
export class StorageUnavailable extends DomainError {
  constructor(message: string) {
    super(503, 'storage_unavailable', message);
  }
}
