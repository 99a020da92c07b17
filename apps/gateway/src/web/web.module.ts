import { Module } from '@nestjs/common';
import { WebController } from './web.controller';
import { WebService } from './web.service';

/** The web application's public configuration; the static files are served by serveWebApp (static.ts). */
@Module({ controllers: [WebController], providers: [WebService] })
export class WebModule {}
