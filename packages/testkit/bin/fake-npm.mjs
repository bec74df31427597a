#!/usr/bin/env node
// The fake npm registry of a fake VM (src/fake-vm/fake-npm.ts), run straight from TypeScript via tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/fake-vm/fake-npm.ts');
