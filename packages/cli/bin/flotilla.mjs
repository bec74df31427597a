#!/usr/bin/env node
// `flotilla` CLI entry: TypeScript sources run through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
