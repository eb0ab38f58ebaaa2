import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../pagination/page';

// Shape only, as for roles: unknown codes, empty or overlapping diffs, reason length, the
// expiry window and who may decide are business rules the domain answers with 422/403/409.
// The caps here only keep absurd payloads out, so they sit above the domain's limits.

export const REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'cancelled', 'expired'] as const;

export class RoleDiffDto {
  @ApiPropertyOptional({ type: [String], example: ['Vibot.admin'], description: 'Role codes to grant' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  grant?: string[];

  @ApiPropertyOptional({ type: [String], example: [], description: 'Role codes to revoke' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  revoke?: string[];
}

export class RequestPermissionChangeDto {
  @ApiProperty({ format: 'uuid', description: 'Whose roles change' })
  @IsUUID()
  targetUserId!: string;

  @ApiProperty({ type: RoleDiffDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RoleDiffDto)
  diff!: RoleDiffDto;

  @ApiProperty({ example: 'Covers on-call while Ada is away' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10_000)
  reason!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Default: 7 days from now; at most 30 days' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class ApproveRequestDto {
  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  comment?: string | null;
}

export class RejectRequestDto {
  @ApiProperty({ example: 'Not needed for this project' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(10_000)
  reason!: string;
}

export class PermissionRequestQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REQUEST_STATUSES })
  @IsOptional()
  @IsIn(REQUEST_STATUSES)
  status?: (typeof REQUEST_STATUSES)[number];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  targetUserId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  requesterId?: string;
}

export class RoleDiffViewDto {
  @ApiProperty({ type: [String] }) grant!: string[];
  @ApiProperty({ type: [String] }) revoke!: string[];
}

export class ApprovalStepDto {
  @ApiProperty({ example: 1 }) step!: number;
  @ApiProperty({ example: 'Vibot.admin' }) approverRole!: string;
  @ApiProperty({ enum: ['pending', 'approved'] }) status!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) decidedBy!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) decidedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) comment!: string | null;
}

export class PermissionRequestDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) companyId!: string;
  @ApiProperty({ format: 'uuid' }) requesterId!: string;
  @ApiProperty({ format: 'uuid' }) targetUserId!: string;
  @ApiProperty({ type: RoleDiffViewDto }) diff!: RoleDiffViewDto;
  @ApiProperty({ enum: REQUEST_STATUSES }) status!: string;
  @ApiProperty({ type: [ApprovalStepDto] }) approvalFlow!: ApprovalStepDto[];
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) expiresAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why it was rejected' }) decisionReason!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) decidedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) decisionBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, example: '2', description: 'Send as If-Match to approve or reject' })
  revision!: string | null;
}

export class PermissionRequestPageDto {
  @ApiProperty({ type: [PermissionRequestDto] }) items!: PermissionRequestDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
