// The one place where failures become HTTP answers in the contract's error shape.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { DomainError } from '../errors.js';
import { asStorageUnavailable } from '../storage/faults.js';

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** A human sentence naming the field at fault, from a zod error on one request part. */
export function describeValidationError(error: ZodError, target: string): string {
  const issue = error.issues[0];
  if (!issue) return `the request ${target} is not valid`;
  const path = issue.path.map(String).join('.');
  const where = target === 'json' ? 'body' : target;
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return path ? `${path} is required` : `the request ${where} is missing`;
  }
  if (issue.code === 'unrecognized_keys') return `${where}: unknown field(s) ${issue.keys.join(', ')}`;
  return path ? `${path}: ${issue.message}` : `${where}: ${issue.message}`;
}

export function handleError(thrown: unknown, c: Context): Response {
  const error = asStorageUnavailable(thrown);
  if (error instanceof DomainError) {
    // Storage comes back by itself (a restarted worker, a freed disk): tell clients when to try again.
    if (error.status === 503) c.header('retry-after', '1');
    return c.json(errorBody(error.code, error.message), error.status);
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    if (status === 400)
      return c.json(errorBody('invalid_request', 'the request body is not valid JSON'), 400);
    if (status === 413) return c.json(errorBody('payload_too_large', error.message), 413);
    if (status === 415) {
      return c.json(
        errorBody('unsupported_media_type', 'Content-Type must be application/json for this route'),
        415,
      );
    }
    return c.json(errorBody('http_error', error.message || 'request failed'), status);
  }
  console.error(
    JSON.stringify({
      level: 'ERROR',
      message: 'unhandled error',
      error: String((error as Error)?.stack ?? error),
    }),
  );
  return c.json(
    errorBody('internal_error', 'the service failed to handle the request; it has been logged'),
    500,
  );
}
