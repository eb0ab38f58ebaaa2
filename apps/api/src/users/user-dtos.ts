import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

// The domain normalises and validates the address (422 invalid_email); here only its shape.
export class RegisterUserDto {
  @ApiProperty({ example: 'grace@example.com' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(320)
  email!: string;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'Grace Hopper' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  displayName?: string | null;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) companyId!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ nullable: true, type: String }) displayName!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items!: UserDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class UserRoleDto {
  @ApiProperty({ format: 'uuid' }) roleId!: string;
  @ApiProperty({ example: 'Vibot.admin' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'global' }) scope!: string;
  @ApiProperty({ format: 'date-time' }) grantedAt!: string;
}

export class UserRolesDto {
  @ApiProperty({ type: [UserRoleDto] }) items!: UserRoleDto[];
}
