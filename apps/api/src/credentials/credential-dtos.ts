import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Min, ValidateBy, type ValidationOptions } from 'class-validator';

/** A string, or a JSON object (not an array, not null): what the vault can seal. */
const IsSecret = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isSecret',
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'string' && value.length > 0) ||
          (typeof value === 'object' && value !== null && !Array.isArray(value)),
        // Never the value: this message ends up in a problem body.
        defaultMessage: () => 'secret must be a non-empty string or a JSON object',
      },
    },
    options,
  );

export class RotateCredentialDto {
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'object' }],
    description: 'At most 64 KiB (UTF-8, objects as JSON). Sealed before it is stored; never returned by this route',
    writeOnly: true,
  })
  @IsSecret()
  secret!: string | Record<string, unknown>;

  @ApiPropertyOptional({ minimum: 0, description: 'Rotate only if this is the current version (0: none yet)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  expectedVersion?: number;
}

/** The command answer (revision: the version), with the connector and version named. */
export class CredentialAnswerDto {
  @ApiProperty({ format: 'uuid', description: 'The connector' }) id!: string;
  @ApiProperty({ example: '1', description: 'The version: send it back as expectedVersion' }) revision!: string;
  @ApiProperty({ example: 'connectorCredential-9b2f…' }) stream!: string;
  @ApiProperty({ example: '0' }) streamRevision!: string;
  @ApiProperty({ nullable: true, type: String, example: '1234/56' }) position!: string | null;
  @ApiProperty({ format: 'uuid' }) connectorId!: string;
  @ApiProperty({ example: 1 }) version!: number;
}

export class CredentialVersionDto {
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty() checksum!: string;
  @ApiProperty({ format: 'date-time' }) rotatedAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) rotatedBy!: string | null;
}

export class CredentialListDto {
  @ApiProperty({ type: [CredentialVersionDto] }) items!: CredentialVersionDto[];
}

export class RuntimeSecretDto {
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'The plaintext (objects as their JSON text)' }) secret!: string;
}
