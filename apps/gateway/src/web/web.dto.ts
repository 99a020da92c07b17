import { ApiProperty } from '@nestjs/swagger';

export class UiKeycloakDto {
  @ApiProperty({ example: 'http://127.0.0.1:8180', description: 'Keycloak base URL' }) url: string;
  @ApiProperty({ example: 'borderlens' }) realm: string;
  @ApiProperty({ example: 'borderlens-web', description: 'Public client (authorization code with PKCE)' }) clientId: string;
}

export class UiConfigDto {
  @ApiProperty({ type: UiKeycloakDto }) keycloak: UiKeycloakDto;
  @ApiProperty({ description: 'Map tile URL template; empty: the offline base layer shipped with the app' }) tileUrl: string;
  @ApiProperty() tileAttribution: string;
  @ApiProperty({ example: '0.1.0', description: 'Version of the gateway' }) version: string;
}
