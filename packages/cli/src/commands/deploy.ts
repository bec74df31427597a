/**
 * `flotilla deploy [--name N] [--base-url URL] [--dry-run]`: the control plane onto your Cloudflare
 * account (deploy/deploy.ts). Refuses — exit 1, saying what to set, before anything is called —
 * without a sign-in configuration or, unless a dry run, without CLOUDFLARE_API_TOKEN and
 * CLOUDFLARE_ACCOUNT_ID (deploy/settings.ts).
 */
import { deploy } from '../deploy/deploy.js';
import { readDeploySettings, type DeployFlags } from '../deploy/settings.js';

/**
 * Run the deploy; resolves with the exit code.
 * @throws DeployRefused (settings), WranglerFailed or Error (a step): the CLI prints the message and exits 1
 */
export async function deployCommand(flags: DeployFlags): Promise<number> {
  return deploy(readDeploySettings(flags));
}
