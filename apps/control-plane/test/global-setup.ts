/**
 * Vitest global setup (Node side): starts the stand-in local cloud / node daemon
 * (@flotilla/testkit/stand-in) and provides its URL to the tests (`inject('standInUrl')`) and to
 * the Worker's bindings (vitest.config.ts).
 */
import { startStandIn } from '@flotilla/testkit/stand-in';
import type { TestProject } from 'vitest/node';

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
