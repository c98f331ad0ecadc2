/**
 * The three test tiers as jest projects over one shared base: unit (no network),
 * integration (a real cluster the run starts itself) and e2e (HTTP through
 * serverless-offline). `npm test` runs all three; `--selectProjects` picks one.
 */
const path = require('node:path');

const rootDir = path.join(__dirname, '..');

const base = {
  rootDir,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.[tj]s$': [
      'ts-jest',
      {
        tsconfig: {
          allowJs: true,
          isolatedModules: true,
          module: 'commonjs',
          esModuleInterop: true,
          target: 'ES2022',
        },
        diagnostics: false,
      },
    ],
  },
  // middy is ESM-only: transform it like the project's own code.
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  setupFiles: ['<rootDir>/test/support/powertools-env.ts'],
};

/** Tiers that run against a cluster share its start, its teardown and a longer timeout. */
const withCluster = (setup, teardown) => ({
  globalSetup: `<rootDir>/test/support/${setup}.ts`,
  globalTeardown: `<rootDir>/test/support/${teardown}.ts`,
  setupFilesAfterEnv: ['<rootDir>/test/support/after-env.ts'],
});

module.exports = {
  rootDir,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...base,
      ...withCluster('global-setup', 'global-teardown'),
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    {
      ...base,
      ...withCluster('e2e-setup', 'e2e-teardown'),
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
    },
  ],
};
