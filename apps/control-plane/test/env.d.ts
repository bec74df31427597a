/** Types of the test-only parts of the Worker's environment (vitest.config.ts). */
import type { D1Migration } from 'cloudflare:test';
import type { Env as WorkerEnv } from '../src/env.js';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      /** The D1 migrations, read on the Node side and applied by test/setup.ts. */
      TEST_MIGRATIONS: D1Migration[];
    }
    interface GlobalProps {
      mainModule: typeof import('../src/index.js');
      durableNamespaces: 'ProjectData' | 'TaskRunner' | 'WorkspaceRunner' | 'NodeLifecycle';
    }
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    standInUrl: string;
  }
}
