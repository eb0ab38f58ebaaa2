import { ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { badRequest, type FieldError } from './problem';

/** Nested DTO errors become dotted paths so that every invalid field is named, however deep. */
export function fieldErrors(errors: readonly ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = prefix === '' ? error.property : `${prefix}.${error.property}`;
    const messages = Object.values(error.constraints ?? {});
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
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = fieldErrors(errors);
      const names = fields.map((f) => f.field).join(', ');
      return badRequest('validation_failed', `Invalid request: ${names}`, fields);
    },
  });
}
