import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

// Shape only: which providers, types, configs and schedules are valid is the domain's call
// (422), including refusing secret-like keys in config. config and schedule stay `unknown` here.

export class RegisterConnectorDto {
  @ApiProperty({ example: 'mysql' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  provider!: string;

  @ApiProperty({ example: 'database' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(30)
  connectorType!: string;

  @ApiProperty({ type: Object, description: 'Non-secret settings; secrets go to the credentials route' })
  @IsDefined()
  config!: unknown;

  @ApiProperty({ type: Object, example: { cron: '0 9 * * MON-FRI', timezone: 'Asia/Shanghai', enabled: true } })
  @IsDefined()
  schedule!: unknown;
}

export class UpdateConnectorDto {
  @ApiPropertyOptional({ type: Object })
  @IsOptional()
  config?: unknown;

  @ApiPropertyOptional({ type: Object })
  @IsOptional()
  schedule?: unknown;
}

export class RecordSyncDto {
  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true })
  syncedAt!: string;

  @ApiProperty({ enum: ['success', 'failure'] })
  @IsIn(['success', 'failure'])
  outcome!: 'success' | 'failure';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  detail?: string;
}

export class ConnectorDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) companyId!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() connectorType!: string;
  @ApiProperty({ example: 'inactive' }) status!: string;
  @ApiProperty({ type: Object }) config!: unknown;
  @ApiProperty({ type: Object }) schedule!: unknown;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastSyncedAt!: string | null;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) updatedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ nullable: true, type: String, example: '2' }) revision!: string | null;
}

export class ConnectorPageDto {
  @ApiProperty({ type: [ConnectorDto] }) items!: ConnectorDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
