#!/usr/bin/env node
// The local control plane's process (src/stack/control-plane-server.ts): TypeScript sources run through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/stack/control-plane-server.ts');
