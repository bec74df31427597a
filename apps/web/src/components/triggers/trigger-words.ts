/**
 * Small helpers of the triggers' settings cards: their query key, whether a project's repository
 * is on github.com (GitHub issue triggers need one), and how a trigger is described in a line.
 */
import type { Trigger } from '@flotilla/contracts';

/** TanStack Query key of a project's triggers. */
export const triggersKey = (projectId: string) => ['triggers', projectId] as const;

/** True for an https or ssh URL of a github.com repository. */
export function isGitHubProject(repoUrl: string): boolean {
  return /^(?:https:\/\/(?:[^@/]+@)?github\.com\/|(?:ssh:\/\/)?git@github\.com[:/])[^/]+\/[^/]+$/i.test(repoUrl.trim());
}

/** What sets a trigger off, in a few words. */
export function triggerSummary(trigger: Trigger): string {
  if (trigger.kind === 'schedule') return `Schedule ${trigger.cron ?? ''} (UTC)`;
  if (trigger.kind === 'github_issue') return `Label “${trigger.label ?? ''}” on a GitHub issue`;
  return 'Webhook call';
}
