export * from './signing-key.crypto';
export * from './signing-key.store';
export * from './signing-key.service';
export * from './token.claims';
export * from './token.service';
export * from './discovery';
export * from './oidc.module';
