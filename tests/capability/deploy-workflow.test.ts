/**
 * The GitHub Actions workflow that deploys from a fork (.github/workflows/deploy.yml, issue 14
 * item 7): it parses, runs by hand and on a push to main, installs with `npm ci` and runs the same
 * `flotilla deploy` with the repository's secrets — and only when the Cloudflare secrets are
 * there, so a fork without them stays green.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
}
interface Workflow {
  on: { workflow_dispatch?: unknown; push?: { branches?: string[] } };
  jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>;
}

const workflow = parse(readFileSync(resolve(import.meta.dirname, '../../.github/workflows/deploy.yml'), 'utf8')) as Workflow;
const job = workflow.jobs.deploy;

describe('the deploy workflow', () => {
  it('runs by hand and on a push to main', () => {
    expect(workflow.on).toHaveProperty('workflow_dispatch');
    expect(workflow.on.push?.branches).toEqual(['main']);
  });

  it('installs with npm ci, then runs flotilla deploy with the secrets', () => {
    const runs = (job?.steps ?? []).map((step) => step.run ?? '');
    const install = runs.findIndex((run) => run.trim() === 'npm ci');
    const deploy = runs.findIndex((run) => /\bflotilla -- deploy\b/.test(run));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(deploy).toBeGreaterThan(install);
    for (const name of ['CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_ACCOUNT_ID', 'AUTH_GITHUB_CLIENT_ID', 'AUTH_GITHUB_CLIENT_SECRET', 'AUTH_OIDC_ISSUER', 'AUTH_OIDC_CLIENT_ID', 'AUTH_OIDC_CLIENT_SECRET']) {
      expect(job?.env?.[name]).toBe(`\${{ secrets.${name} }}`);
    }
  });

  it('skips every step after the check when the Cloudflare secrets are missing', () => {
    const [check, ...rest] = job?.steps ?? [];
    expect(check?.run).toContain('[ -n "$CLOUDFLARE_API_TOKEN" ] && [ -n "$CLOUDFLARE_ACCOUNT_ID" ]');
    for (const step of rest) expect(step.if).toBe(`steps.${check?.id}.outputs.present == 'true'`);
  });
});
