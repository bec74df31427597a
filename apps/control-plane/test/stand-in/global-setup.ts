/**
 * Vitest global setup (Node side): starts the stand-in local cloud / node daemon and provides its
 * URL to the tests (`inject('standInUrl')`) and to the Worker's bindings (vitest.config.ts).
 */
import type { TestProject } from 'vitest/node';
import { startStandIn } from './server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    standInUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const standIn = await startStandIn();
  project.provide('standInUrl', standIn.url);
  return () => standIn.close();
}
