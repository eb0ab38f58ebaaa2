import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';

// Shape only: formats, lengths that matter and uniqueness are business rules the domain
// answers with 422/409. The caps here just keep absurd payloads out.

export class DefineRoleDto {
  @ApiProperty({ example: 'ops.viewer', description: 'Unique in the company; a letter, then letters, digits, ".", "_" or "-"' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  code!: string;

  @ApiProperty({ example: 'Operations viewer' })
  @IsString()
  @MaxLength(1000)
  name!: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string | null;

  @ApiPropertyOptional({ example: 'global', description: '"global" or "project:<id>"' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  scope?: string;
}

export class UpdateRoleDto {
  @ApiPropertyOptional()
  @ValidateIf((dto: UpdateRoleDto) => dto.name !== undefined)
  @IsString()
  @MaxLength(1000)
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null clears it' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string | null;

  @ApiPropertyOptional({ example: 'project:alpha' })
  @ValidateIf((dto: UpdateRoleDto) => dto.scope !== undefined)
  @IsString()
  @MaxLength(200)
  scope?: string;
}

export class RoleDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) companyId!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() scope!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ nullable: true, type: String, example: '2' }) revision!: string | null;
}

export class RolePageDto {
  @ApiProperty({ type: [RoleDto] }) items!: RoleDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
