/** Shared words of the Account page's API tokens: the query key, and how a token's scope and times read. */
import type { ApiTokenInfo, Project } from '@flotilla/contracts';

/** TanStack Query key of `GET /api/tokens`. */
export const apiTokensKey = ['api-tokens'] as const;

/** The projects a token reaches, by name where known ("All projects" when unscoped). */
export function scopeText(token: ApiTokenInfo, projects: Project[] | undefined): string {
  if (!token.projectIds) return 'All projects';
  return token.projectIds.map((id) => projects?.find((p) => p.id === id)?.name ?? id).join(', ');
}

/** A date as "6 Dec 2026", or `none` for null. */
export function dayText(iso: string | null, none: string): string {
  return iso ? new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' }) : none;
}
