/**
 * Who may become a user (issue 14, item 1): AUTH_ALLOWED_EMAIL_DOMAINS (the email must be one of
 * those domains and verified by the provider) and AUTH_ALLOWED_GITHUB_ORGS (GitHub sign-ins only:
 * a member of one of them). A refused sign-in makes no user row. AUTH_REQUIRE_APPROVAL decides
 * whether a new user (after the first, who is an admin) starts `pending`.
 */
import type { SignInRefusal, UserStatus } from '@flotilla/contracts';
import type { SignInSettings } from './sign-in-config.js';
import type { Identity } from './sign-in-providers.js';

/** Why `identity` may not sign in, or null when it may. */
export function refusalOf(settings: SignInSettings, identity: Identity): SignInRefusal | null {
  if (settings.allowedEmailDomains.length > 0) {
    const email = identity.profile.email;
    const domain = email?.slice(email.lastIndexOf('@') + 1).toLowerCase();
    if (!domain || !settings.allowedEmailDomains.includes(domain)) return 'email_domain';
    if (!identity.emailVerified) return 'email_unverified';
  }
  if (identity.profile.provider === 'github' && settings.allowedGithubOrgs.length > 0) {
    if (!(identity.githubOrgs ?? []).some((org) => settings.allowedGithubOrgs.includes(org))) return 'github_org';
  }
  return null;
}

/** The status of a new user (not the first, who is always active). */
export const newUserStatus = (settings: SignInSettings): UserStatus => (settings.requireApproval ? 'pending' : 'active');
