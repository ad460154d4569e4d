// Domain errors: services throw these, app.ts maps them to HTTP once.
export class DomainError extends Error {
  readonly statusCode: number = 500;
  constructor(message: string, readonly code: string = 'ERROR') {
    super(message);
    this.name = new.target.name;
  }
}
/** The input breaks a rule the schema cannot express → 400. */
export class Invalid extends DomainError { override readonly statusCode = 400; }
/** Not signed in → 401. */
export class Unauthenticated extends DomainError { override readonly statusCode = 401; }
/** Signed in, not allowed → 403. */
export class Forbidden extends DomainError { override readonly statusCode = 403; }
/** Absent, or hidden from this user → 404. */
export class NotFound extends DomainError { override readonly statusCode = 404; }
/** The client sent its request too slowly (a body past its deadline, an upload below the minimum rate) → 408. */
export class RequestTimeout extends DomainError { override readonly statusCode = 408; }
/** The thing is in the wrong state for this action → 409. */
export class Conflict extends DomainError { override readonly statusCode = 409; }
/** Existed, but is no longer usable (a used or expired one-time link) → 410. */
export class Gone extends DomainError { override readonly statusCode = 410; }
/** Upload larger than allowed → 413. */
export class TooLarge extends DomainError { override readonly statusCode = 413; }
/** A stored file a row points to is not on disk: our fault, not the client's → 500 (logged where it is found). */
export class FileMissing extends DomainError { override readonly statusCode = 500; }
/** File type not accepted → 415. */
export class UnsupportedType extends DomainError { override readonly statusCode = 415; }
/** File unreadable or corrupt → 422. */
export class Unreadable extends DomainError { override readonly statusCode = 422; }
/** Too many attempts → 429. */
export class TooManyRequests extends DomainError {
  override readonly statusCode = 429;
  constructor(message: string, readonly retryAfterSec: number) { super(message, 'RATE_LIMITED'); }
}
/** Cannot take this now, through no fault of the request (the usage buffer is full while the database is away) → 503. */
export class Unavailable extends DomainError {
  override readonly statusCode = 503;
  constructor(message: string, readonly retryAfterSec: number) { super(message, 'UNAVAILABLE'); }
}
