import { defineConfig } from 'vitest/config';

// The AWS SDK is pinned on purpose (README, Choices); its Node 22 notice would only fill the test output.
// Set here, it reaches every worker process and every server a test spawns.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Integration tests run twice, once per storage backend; everything else once.
const integration = ['test/integration/**/*.test.ts'];
const backendFree = ['test/integration/aws-emulator/**'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Integration tests spend much of their time waiting on the jobs and servers they spawn:
    // three files at a time keep a 2-core machine busy without starving the timing-sensitive ones.
    poolOptions: { forks: { maxForks: 3, minForks: 1 } },
    projects: [
      // Unit tests are pure: they share one module graph per worker instead of importing it per file.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false } },
      {
        test: {
          name: 'pglite',
          globalSetup: ['test/helpers/pglite-template.ts'],
          include: integration,
          env: { SUNDIAL_TEST_BACKEND: 'pglite' },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'postgres',
          include: integration,
          exclude: backendFree,
          env: { SUNDIAL_TEST_BACKEND: 'postgres' },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The web UI in Chromium, once (the backends are covered above): it builds the UI if web/ changed.
        test: {
          name: 'e2e',
          globalSetup: ['test/helpers/pglite-template.ts', 'test/e2e/build-ui.ts'],
          include: ['test/e2e/**/*.test.ts'],
          env: { SUNDIAL_TEST_BACKEND: 'pglite' },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Several replicas as processes on one PostgreSQL, killed, frozen and cut off on purpose.
        test: {
          name: 'chaos',
          include: ['test/chaos/**/*.test.ts'],
          env: { SUNDIAL_TEST_BACKEND: 'postgres' },
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
