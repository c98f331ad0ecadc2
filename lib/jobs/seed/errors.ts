/** Why seeding stopped. The command line maps these to exit codes (usage 2, anything else 1). */

/** Bad options: nothing was touched. */
export class SeedUsageError extends Error {
  override name = 'SeedUsageError';
}

/** The database already holds data and neither --reset nor --if-empty was given. */
export class SeedRefusedError extends Error {
  override name = 'SeedRefusedError';
}

/** A tutorial file that is missing or malformed, named with its line when there is one. */
export class TutorialDataError extends Error {
  override name = 'TutorialDataError';
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}
