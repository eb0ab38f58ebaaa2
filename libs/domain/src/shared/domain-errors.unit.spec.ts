import { Conflict, DomainError, Forbidden, Invalid, InvalidTransition, isDomainError, NotFound } from './domain-errors';

describe('domain errors', () => {
  it.each([
    [new NotFound('x_not_found', 'm'), NotFound, 'not_found'],
    [new Forbidden('not_admin', 'm'), Forbidden, 'forbidden'],
    [new Conflict('taken', 'm'), Conflict, 'conflict'],
    [new InvalidTransition('bad_state', 'm'), InvalidTransition, 'invalid_transition'],
    [new Invalid('bad_input', 'm', { limit: 3 }), Invalid, 'invalid'],
  ] as const)('%s keeps its class, kind and code', (error, errorClass, kind) => {
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error.kind).toBe(kind);
    expect(error.name).toBe(errorClass.name);
    expect(isDomainError(error)).toBe(true);
  });

  it('carries details and the current revision', () => {
    expect(new Invalid('project_role_limit', 'm', { limit: 3 }).details).toEqual({ limit: 3 });
    expect(new NotFound('x', 'm').details).toBeUndefined();
    expect(new Conflict('stale_revision', 'm', undefined, 4n).currentRevision).toBe(4n);
  });

  it('does not treat plain errors as domain errors', () => {
    expect(isDomainError(new Error('boom'))).toBe(false);
    expect(isDomainError({ kind: 'conflict', code: 'x' })).toBe(false);
  });
});
