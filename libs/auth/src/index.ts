export * from './grant-signer';
