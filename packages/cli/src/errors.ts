/** A mistake in how `ringtail` was called (a flag, a variable, a config file): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit codes of `ringtail`. */
export const EXIT_OK = 0;
/** The command ran and failed: a port in use, a locked data directory, ... */
export const EXIT_FAILURE = 1;
/** The command was called wrongly, or does not exist yet. */
export const EXIT_USAGE = 2;
