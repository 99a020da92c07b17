export * from './patterns';
export * from './anonymizer.contract';
export * from './grant.contract';
export * from './camera.contract';
export * from './service-auth';
export * from './service-auth.guard';
export * from './service-client';
export * from './transport';
