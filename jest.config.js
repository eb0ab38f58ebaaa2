/** One Jest run for every tier: decider specs (pure), then integration, contract and e2e suites
 *  against a real PostgreSQL that test/support/global-setup.ts starts (or DATABASE_URL). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The libraries by name, as package.json "imports" maps them for the built code (dist):
  // here they resolve to the TypeScript sources.
  moduleNameMapper: {
    '^#domain$': '<rootDir>/libs/domain/src',
    '^#domain/(.*)$': '<rootDir>/libs/domain/src/$1',
    '^#infra/(.*)$': '<rootDir>/libs/infra/src/$1',
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
