/**
 * One exit-code convention for every command (the README's CLI section
 * lists it).
 *
 * @example
 * process.exit(EXIT.RUN_FAILED);
 */
export const EXIT = {
  /** Done; for `trigger --wait` and `logs -f`, the run succeeded. */
  OK: 0,
  /** The run failed or was killed, or Sundial refused the request (e.g. an unknown name). */
  FAILED: 1,
  /** Invalid input: a definition that does not validate, a bad flag or argument. */
  INVALID: 2,
  /** Sundial cannot be reached, or what answered is not Sundial. */
  UNREACHABLE: 3,
} as const;
