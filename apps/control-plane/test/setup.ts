/** Runs in the Worker before every test file: each file starts with a clean D1, so migrate it. */
import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
