import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { UuidParam } from '../http/headers';
import { badRequest } from '../http/problem';
import { CurrentUser, type RequestUser } from '../http/request-user';
import { type AuditPage, AuditReader } from './audit-reader';

const STREAM = /^[A-Za-z][A-Za-z0-9]{0,49}-[A-Za-z0-9_-]{1,150}$/;

export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'First stream revision to return', example: '0' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'from must be a stream revision (a non-negative integer)' })
  from?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class VerifyQueryDto {
  @ApiPropertyOptional({ description: 'One stream of your company; all of them when omitted', example: 'company-<uuid>' })
  @IsOptional()
  @Matches(STREAM, { message: 'stream must be a stream name such as company-<uuid>' })
  stream?: string;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly reader: AuditReader) {}

  @Get('streams/:stream')
  readStream(@Param('stream') stream: string, @Query() query: AuditQueryDto, @CurrentUser() user: RequestUser): Promise<AuditPage> {
    if (!STREAM.test(stream)) {
      throw badRequest('validation_failed', 'Invalid request: stream', [
        { field: 'stream', messages: ['stream must be a stream name such as company-<uuid>'] },
      ]);
    }
    return this.reader.readStream(user.actor, stream, BigInt(query.from ?? '0'), query.limit ?? 100);
  }

  @Get('verify')
  verify(@Query() query: VerifyQueryDto, @CurrentUser() user: RequestUser) {
    return this.reader.verify(user.actor, query.stream);
  }

  @Get('permission-change-requests/:id')
  readRequestHistory(@Param('id', new UuidParam()) id: string, @CurrentUser() user: RequestUser): Promise<AuditPage> {
    return this.reader.readRequestHistory(user.actor, id);
  }
}
