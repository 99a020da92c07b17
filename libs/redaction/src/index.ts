export * from './box';
export * from './plane';
export * from './i420';
export * from './rgb';
export * from './box-tracker';
export * from './look-ahead';
export * from './pipeline';
