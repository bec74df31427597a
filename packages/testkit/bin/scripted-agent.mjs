#!/usr/bin/env node
// Runs the scripted ACP agent (src/scripted-agent/main.ts) straight from TypeScript via tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/scripted-agent/main.ts');
