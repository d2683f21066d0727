// Exit codes of the modelwatch CLI, and the errors that choose them.

export const EXIT = {
  ok: 0,
  /** A request failed (the service refused it, or could not be reached). */
  requestFailed: 1,
  /** The command line or a file is not usable. */
  usage: 2,
  /** The command ran, but the service rejected some rows. */
  partial: 3,
} as const;

/** Wrong or missing arguments, flags, files or configuration: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Finished with some rows rejected: exit code 3 (the details are already printed). */
export class PartialFailure extends Error {
  override name = 'PartialFailure';
}
