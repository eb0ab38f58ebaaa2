/**
 * Two tiers, one run: `npm test` runs both projects, `npm run test:unit` only the first.
 * - unit: *.unit.spec.ts, pure code only. No globalSetup, so no PostgreSQL starts: it runs in
 *   seconds anywhere. A unit suite must not import test/support/test-database.
 * - integration: every other *.spec.ts (*.int.spec.ts against a real PostgreSQL, *.e2e.spec.ts
 *   with real processes). Its globalSetup starts the PostgreSQL (or uses DATABASE_URL); as a
 *   project option Jest runs it only when a test of this project is selected.
 */
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The libraries by name, as package.json "imports" maps them for the built code (dist):
  // here they resolve to the TypeScript sources.
  moduleNameMapper: {
    '^#domain$': '<rootDir>/libs/domain/src',
    '^#domain/(.*)$': '<rootDir>/libs/domain/src/$1',
    '^#infra/(.*)$': '<rootDir>/libs/infra/src/$1',
  },
};

module.exports = {
  maxWorkers: 2,
  // A global option in Jest 30: jest-circus reads globalConfig.testTimeout, a project's is ignored.
  testTimeout: 60000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
      testMatch: ['<rootDir>/{libs,apps,test}/**/*.unit.spec.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
      testMatch: ['<rootDir>/{libs,apps,test}/**/*.spec.ts'],
      // Whatever is not unit is here, so a suite without a tier in its name still runs.
      testPathIgnorePatterns: ['/node_modules/', '\\.unit\\.spec\\.ts$'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
