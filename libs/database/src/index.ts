export * from './entities';
export * from './migrations';
export * from './data-source';
export * from './embedded-postgres';
export * from './database.module';
