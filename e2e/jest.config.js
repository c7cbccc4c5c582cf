// End-to-end tests: headless Chromium (Debian's, driven by playwright-core) against the portal that
// scripts/e2e.sh starts on the embedded default. Not part of `backstage-cli repo test`.
module.exports = {
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.e2e.test.ts'],
  transform: {
    '\\.[jt]sx?$': require.resolve('@backstage/cli/config/jestSwcTransform'),
  },
  testEnvironment: 'node',
  testTimeout: 180000,
};
