import { Transform } from 'class-transformer';

/**
 * A query integer as plain decimal digits only: `Number()` would also read `0x10`, ` 5`, `1e2`
 * and `''`. Anything else is left as the string it was, so @IsInt() refuses it by name.
 */
export const DecimalInteger = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value));
