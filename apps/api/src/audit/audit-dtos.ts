import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsInt, IsISO8601, isISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy, type ValidationOptions } from 'class-validator';
import { parsePosition } from '#infra/event-log/position';
import { badRequest } from '../http/problem';
import { COMPANY_EVENT_TYPES, CONNECTOR_EVENT_TYPES, CREDENTIAL_EVENT_TYPES } from '#domain';
import { DecimalInteger } from '../http/decimal-integer';

// A misspelt type would otherwise answer an empty page, which reads as "it never happened".
const KNOWN_TYPES: ReadonlySet<string> = new Set([...COMPANY_EVENT_TYPES, ...CONNECTOR_EVENT_TYPES, ...CREDENTIAL_EVENT_TYPES]);
const unknownTypes = (value: unknown): string[] => (typeof value === 'string' ? value.split(',').filter((type) => !KNOWN_TYPES.has(type)) : []);

function AreEventTypes(): PropertyDecorator {
  return ValidateBy({
    name: 'areEventTypes',
    validator: {
      validate: (value) => unknownTypes(value).length === 0,
      defaultMessage: (args) => `type names no event type of this service: ${unknownTypes(args?.value).join(', ')}`,
    },
  });
}

/** A position-shaped value whose halves fit int64 (the format itself is checked by @Matches). */
function IsLogPosition(options: ValidationOptions, { orInstant = false } = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isLogPosition',
      validator: {
        validate: (value) =>
          typeof value !== 'string' || (orInstant && INSTANT.test(value)) || !POSITION.test(value) || parsePosition(value) !== undefined,
      },
    },
    options,
  );
}

export const STREAM = /^[A-Za-z][A-Za-z0-9]{0,49}-[A-Za-z0-9_-]{1,150}$/;
export const CATEGORY = /^[A-Za-z][A-Za-z0-9]{0,49}$/;
// PascalCase names, up to 50 of them: the event types are the log's own vocabulary.
export const TYPES = /^[A-Z][A-Za-z0-9]{0,99}(,[A-Z][A-Za-z0-9]{0,99}){0,49}$/;
// A user id (uuid) or a service name such as connector-runtime.
export const ACTOR = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
export const POSITION = /^\d{1,20}\/\d{1,20}$/;
// A date, or a date-time with an explicit zone: a bare local time would mean whatever the
// server's zone is. At most milliseconds, the precision createdAt is shown with.
export const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const STRICT_ISO = { strict: true, strictSeparator: true } as const;
/** The same test as the DTOs', for values that arrive another way (inside a cursor, in `at`). */
export const isInstant = (value: string): boolean => INSTANT.test(value) && isISO8601(value, STRICT_ISO);
const CURSOR_HELP = 'Opaque: the `next` of the previous page';

class LimitDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @DecimalInteger()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class AuditQueryDto extends LimitDto {
  @ApiPropertyOptional({ description: 'First stream revision to return (kept for compatibility; prefer cursor)', example: '0' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'from must be a stream revision (a non-negative integer)' })
  from?: string;

  @ApiPropertyOptional({ description: CURSOR_HELP })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;
}

export class VerifyQueryDto {
  @ApiPropertyOptional({ description: 'One stream of your company; all of them when omitted', example: 'company-<uuid>' })
  @IsOptional()
  @Matches(STREAM, { message: 'stream must be a stream name such as company-<uuid>' })
  stream?: string;
}

/** A window on createdAt, the time the log recorded each event (history and export alike). */
export class TimeRangeDto {
  @ApiPropertyOptional({ description: 'Events recorded at or after this time (createdAt, inclusive)', example: '2026-01-01T00:00:00Z' })
  @IsOptional()
  @Matches(INSTANT, { message: 'from must be an ISO 8601 date or date-time with a zone, e.g. 2026-01-01T00:00:00Z' })
  @IsISO8601(STRICT_ISO, { message: 'from must be a valid calendar date and time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Events recorded before this time (createdAt, exclusive)', example: '2026-02-01T00:00:00Z' })
  @IsOptional()
  @Matches(INSTANT, { message: 'to must be an ISO 8601 date or date-time with a zone, e.g. 2026-02-01T00:00:00Z' })
  @IsISO8601(STRICT_ISO, { message: 'to must be a valid calendar date and time' })
  to?: string;
}

/** The window as dates, refused when it is empty. */
export function timeRangeOf(range: { from?: string; to?: string }): { from?: Date; to?: Date } {
  const from = range.from !== undefined ? new Date(range.from) : undefined;
  const to = range.to !== undefined ? new Date(range.to) : undefined;
  if (from !== undefined && to !== undefined && to <= from) {
    throw badRequest('validation_failed', 'Invalid request: to', [{ field: 'to', messages: ['to must be later than from'] }]);
  }
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

export class AuditEventsQueryDto extends IntersectionType(LimitDto, TimeRangeDto) {
  @ApiPropertyOptional({ description: 'One or more event types, comma separated', example: 'RoleDefined,RoleUpdated' })
  @IsOptional()
  @Matches(TYPES, { message: 'type must be one or more event types, comma separated, such as RoleDefined,RoleUpdated' })
  @AreEventTypes()
  type?: string;

  @ApiPropertyOptional({ description: 'Who acted: a user id, or a service name such as connector-runtime' })
  @IsOptional()
  @Matches(ACTOR, { message: 'actor must be a user id or a service name' })
  actor?: string;

  @ApiPropertyOptional({ description: 'One exact stream', example: 'company-<uuid>' })
  @IsOptional()
  @Matches(STREAM, { message: 'stream must be a stream name such as company-<uuid>' })
  stream?: string;

  @ApiPropertyOptional({ description: 'A stream category', example: 'integrationConnector' })
  @IsOptional()
  @Matches(CATEGORY, { message: 'category must be a stream category such as company or connectorCredential' })
  category?: string;

  @ApiPropertyOptional({ description: 'Only events after this log position ("commit/prepare", as answers show it)', example: '764/5' })
  @IsOptional()
  @Matches(POSITION, { message: 'after must be a log position such as 764/5' })
  @IsLogPosition({ message: 'after must be a log position such as 764/5, each half at most 9223372036854775807' })
  after?: string;

  @ApiPropertyOptional({ description: `${CURSOR_HELP}; it carries the filters, which may be repeated but not changed` })
  @IsOptional()
  @IsString()
  @MaxLength(8000)
  cursor?: string;
}

export const STATE_CATEGORIES = ['company', 'integrationConnector', 'connectorCredential'] as const;
export type StateCategory = (typeof STATE_CATEGORIES)[number];

export class StateQueryDto {
  @ApiPropertyOptional({
    description: 'An ISO time (events recorded at or before it, by createdAt) or a log position "commit/prepare"; now when omitted',
    example: '2026-01-01T00:00:00Z',
  })
  @IsOptional()
  @Matches(new RegExp(`${INSTANT.source}|${POSITION.source}`), { message: 'at must be an ISO 8601 time with a zone or a log position such as 764/5' })
  @IsLogPosition({ message: 'at must be an ISO 8601 time with a zone or a log position such as 764/5, each half at most 9223372036854775807' }, { orInstant: true })
  at?: string;
}

export class AuditEventDto {
  @ApiProperty({ example: 'RoleDefined' }) type!: string;
  @ApiProperty({ example: 'company-<uuid>' }) stream!: string;
  @ApiProperty({ example: '4', description: 'Stream revision' }) revision!: string;
  @ApiProperty({ example: '764/5', description: 'Log position' }) position!: string;
  @ApiProperty({ description: 'As recorded (not upcast): the hash covers exactly this' }) data!: object;
  @ApiProperty({ description: 'eventId, commandId, correlationId, causationId, actor, occurredAt, schemaVersion, tenant, prevHash, hash' })
  metadata!: object;
  @ApiProperty({ description: 'When the log recorded the event' }) createdAt!: string;
}

export class AuditEventsPageDto {
  @ApiProperty({ type: [AuditEventDto] }) events!: AuditEventDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor= for the next page; null when there is none yet' }) next!: string | null;
}

export class AuditStreamPageDto extends AuditEventsPageDto {
  @ApiProperty() stream!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Deprecated: the next page as a from= revision' }) nextFrom!: string | null;
}

export class AuditStateDto {
  @ApiProperty() stream!: string;
  @ApiProperty({ description: 'The moment asked for (now when none was)' }) at!: string;
  @ApiProperty({ description: 'Stream revision of the last event folded' }) revision!: string;
  @ApiProperty({ description: 'Log position of the last event folded' }) position!: string;
  @ApiProperty({ description: "The aggregate's state then, folded by the domain's own evolve; JSON-safe, no secrets" }) state!: object;
  @ApiProperty({ type: [AuditEventDto], description: 'The events that led there, as recorded' }) events!: AuditEventDto[];
}
