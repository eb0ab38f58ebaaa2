// Typed business failures. The transport layer maps `kind` to a status code in
// one place, so the domain never has to know about HTTP.

export type DomainErrorKind = 'not_found' | 'forbidden' | 'conflict' | 'invalid_transition' | 'invalid';

export type DomainErrorDetails = Readonly<Record<string, unknown>>;

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  readonly code: string;
  readonly details?: DomainErrorDetails;

  protected constructor(code: string, message: string, details?: DomainErrorDetails) {
    super(message);
    // Down-levelled Error subclasses lose their prototype chain; restoring it
    // keeps `instanceof` reliable whatever the compile target.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = new.target.name;
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

/** The addressed thing does not exist (HTTP 404). */
export class NotFound extends DomainError {
  override readonly kind = 'not_found' as const;
  constructor(code: string, message: string, details?: DomainErrorDetails) {
    super(code, message, details);
  }
}

/** The actor may not perform this command (HTTP 403). */
export class Forbidden extends DomainError {
  override readonly kind = 'forbidden' as const;
  constructor(code: string, message: string, details?: DomainErrorDetails) {
    super(code, message, details);
  }
}

/** Clashes with existing state, e.g. a taken key or a stale revision (HTTP 409). */
export class Conflict extends DomainError {
  override readonly kind = 'conflict' as const;
  // Kept out of `details` because bigint is not JSON-serialisable.
  readonly currentRevision?: bigint;
  constructor(code: string, message: string, details?: DomainErrorDetails, currentRevision?: bigint) {
    super(code, message, details);
    if (currentRevision !== undefined) this.currentRevision = currentRevision;
  }
}

/** The command is not allowed from the aggregate's current lifecycle state (HTTP 409). */
export class InvalidTransition extends DomainError {
  override readonly kind = 'invalid_transition' as const;
  constructor(code: string, message: string, details?: DomainErrorDetails) {
    super(code, message, details);
  }
}

/** A business rule is broken by the command's input (HTTP 422). */
export class Invalid extends DomainError {
  override readonly kind = 'invalid' as const;
  constructor(code: string, message: string, details?: DomainErrorDetails) {
    super(code, message, details);
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}
