/**
 * Control-plane tests: they run inside workerd (@cloudflare/vitest-pool-workers) against real
 * D1, Durable Objects and alarms. Works standalone (`npx vitest run` here, or
 * `--config apps/control-plane/vitest.config.ts` from the root) and as the `control-plane`
 * project of the root config.
 */
import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Small timeouts and retry delays so every retry and timeout of the TaskRunner happens in well
 * under a second (contracts CONTROL_PLANE_CONFIG_DEFAULTS says what each one means).
 */
export const TEST_VARS = {
  BASE_URL: 'http://control-plane.test',
  STEP_NODE_SELECTION_TIMEOUT_MS: '3000',
  STEP_NODE_PROVISIONING_TIMEOUT_MS: '3000',
  STEP_NODE_AGENT_READY_TIMEOUT_MS: '800',
  STEP_WORKSPACE_CREATION_TIMEOUT_MS: '3000',
  STEP_WORKSPACE_READY_TIMEOUT_MS: '3000',
  STEP_AGENT_SESSION_TIMEOUT_MS: '3000',
  STEP_RUNNING_TIMEOUT_MS: '60000',
  STEP_RETRY_INITIAL_MS: '20',
  STEP_RETRY_MAX_MS: '100',
  STEP_POLL_INTERVAL_MS: '25',
  OUTBOUND_REQUEST_TIMEOUT_MS: '500',
  // No warm pool by default here: a node with nothing left is destroyed at once, so every test
  // provisions its own. NodeLifecycle tests pass their own warm timeouts.
  NODE_WARM_TIMEOUT_MS: '0',
  NODE_DESTROY_RETRY_MS: '200',
};

export default defineConfig({
  root: here('.'),
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      wrangler: { configPath: here('./wrangler.jsonc') },
      miniflare: {
        bindings: {
          ...TEST_VARS,
          LOCAL_CLOUD_URL: `${inject('standInUrl')}/cloud`,
          LOCAL_CLOUD_SECRET: 'test-local-cloud-secret',
          TEST_MIGRATIONS: await readD1Migrations(here('./migrations')),
        },
      },
    })),
  ],
  test: {
    name: 'control-plane',
    // The Worker logs JSON lines; show them only for failing tests (standalone runs; the root config decides otherwise).
    silent: 'passed-only',
    include: ['src/**/*.test.ts'],
    // Tests wait for events (test/helpers.ts eventually: up to 30 s), never for machine speed; a
    // busy 2-core CI machine may need more than vitest's default 5 s for one test.
    testTimeout: 60_000,
    globalSetup: [here('./test/global-setup.ts')],
    setupFiles: [here('./test/setup.ts')],
  },
});
