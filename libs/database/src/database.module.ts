import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CONFIG, type BorderlensConfig } from '@borderlens/config';
import { ENTITIES } from './entities';
import { openDatabase, type Database } from './data-source';

export const DATABASE = Symbol('DATABASE');

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Opens the database (PostgreSQL or embedded PGlite), migrates it and exposes TypeORM repositories. */
  static forRoot(): DynamicModule {
    const databaseProvider = {
      provide: DATABASE,
      inject: [CONFIG],
      useFactory: (cfg: BorderlensConfig) => openDatabase(cfg),
    };
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forFeature(ENTITIES)],
      providers: [databaseProvider, { provide: DataSource, inject: [DATABASE], useFactory: (db: Database) => db.dataSource }],
      exports: [DATABASE, DataSource, TypeOrmModule],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
