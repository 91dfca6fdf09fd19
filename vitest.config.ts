import { defineConfig } from 'vitest/config';

/**
 * Three projects:
 * - unit: pure tests, no database.
 * - db: tests against a real database. On PGlite by default; on a PostgreSQL
 *   server when TEJIDO_TEST_DATABASE_URL is set (see .ci/run).
 * - e2e: a real browser against a real server (see e2e/).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/*.db.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'db',
          include: ['packages/*/src/**/*.db.test.ts', 'apps/*/src/**/*.db.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Database suites create their own database each; keep the two cores busy but not swamped.
          maxWorkers: 2,
          // Vitest runs projects with different worker limits one group after the other.
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
