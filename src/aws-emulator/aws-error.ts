/**
 * An error answered the AWS way. Services throw it; the server turns it into the protocol's error
 * body (JSON `__type`, or S3 XML `<Error><Code>`) with the given HTTP status.
 */
export class AwsError extends Error {
  constructor(
    /** The AWS error code, e.g. `ValidationException`, `NoSuchKey`; the SDK maps it to a typed exception. */
    readonly code: string,
    message: string,
    /** HTTP status; 400 for client errors unless AWS uses something else. */
    readonly status = 400,
    /** Extra fields merged into the JSON error body (some typed exceptions carry them). */
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

/** Shorthand for the common "this id does not exist" cases, so services stay terse. */
export function notFound(code: string, message: string): AwsError {
  return new AwsError(code, message, code === 'NoSuchKey' || code === 'NoSuchBucket' ? 404 : 400);
}
