export * from './options';
export * from './config.types';
export * from './load-config';
export * from './render-config-file';
export * from './secrets';
export * from './config.module';
export * from './camera-networks';
