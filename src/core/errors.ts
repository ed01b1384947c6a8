/** One problem with one input field; `path` is dotted (`items.0.email`). */
export interface FieldError {
  path: string;
  message: string;
}

/** Base of paved's typed domain errors, translated once at the edge. */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
}

export class NotFound extends DomainError {
  readonly status = 404;
  readonly title = 'Not found';
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly title = 'Conflict';
}

export class Forbidden extends DomainError {
  readonly status = 403;
  readonly title = 'Forbidden';
}

export class Unauthorized extends DomainError {
  readonly status = 401;
  readonly title = 'Sign-in required';
}

export class InvalidInput extends DomainError {
  readonly status = 400;
  readonly title = 'Invalid input';
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }

  /** An InvalidInput about a single field. */
  static field(path: string, message: string): InvalidInput {
    return new InvalidInput(message, [{ path, message }]);
  }
}
