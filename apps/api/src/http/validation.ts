import { ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { badRequest, type FieldError } from './problem';

/** Nested DTO errors become dotted paths so that every invalid field is named, however deep. */
export function fieldErrors(errors: readonly ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = prefix === '' ? error.property : `${prefix}.${error.property}`;
    // Absent: optional fields are never validated when absent, so this one is required, and
    // "is required" is the one thing to say (not every rule the missing value also breaks).
    const missing = error.value === undefined && error.constraints !== undefined && !('whitelistValidation' in error.constraints);
    const messages = missing ? [`${field} is required`] : Object.values(error.constraints ?? {});
    if (messages.length > 0) out.push({ field, messages });
    if (error.children?.length) out.push(...fieldErrors(error.children, field));
  }
  return out;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    // The value is kept only to tell a missing field from a wrong one; no answer repeats it.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => {
      const fields = fieldErrors(errors);
      const names = fields.map((f) => f.field).join(', ');
      return badRequest('validation_failed', `Invalid request: ${names}`, fields);
    },
  });
}
