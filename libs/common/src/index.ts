export * from './ports';
export * from './error-reply';
