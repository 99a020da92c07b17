import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@borderlens/auth';

export class MeDto {
  @ApiProperty({ description: 'Keycloak subject' }) userId: string;
  @ApiProperty() username: string;
  @ApiProperty() name: string;
  @ApiProperty({ example: 'hzs-olk' }) organisation: string;
  @ApiProperty({ nullable: true, type: String }) organisationName: string | null;
  @ApiProperty({ example: 'CZ' }) country: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
}
