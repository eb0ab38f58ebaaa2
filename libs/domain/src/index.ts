// Public surface of the pure domain layer, imported as '#domain': one entry per aggregate folder.
// Import from '#domain' rather than '#domain/<folder>': the built code's package.json "imports"
// pattern maps '#domain/*' to '<path>.js', which has no folder-index fallback.
// Test helpers live beside it in libs/domain/test (decider specs, fixtures, generators): never in dist.
export * from './shared';
export * from './company';
export * from './connector';
export * from './credential';
export * from './operations';
