export * from './grant-signer';
export * from './principal';
export * from './token-verifier';
