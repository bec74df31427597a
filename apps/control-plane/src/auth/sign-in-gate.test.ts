/** Who may become a user: the email domain allowlist (verified emails only) and the GitHub organization allowlist. */
import { describe, expect, it } from 'vitest';
import type { SignInSettings } from './sign-in-config.js';
import { newUserStatus, refusalOf } from './sign-in-gate.js';
import type { Identity } from './sign-in-providers.js';

const settings = (over: Partial<SignInSettings> = {}): SignInSettings => ({ github: null, oidc: null, allowedEmailDomains: [], allowedGithubOrgs: [], requireApproval: false, ...over });
const identity = (provider: 'github' | 'oidc', email: string | null, emailVerified = true, githubOrgs: string[] | null = null): Identity => ({
  profile: { provider, subject: 's', login: 'l', email, name: null, avatarUrl: null },
  emailVerified,
  githubOrgs,
});

describe('refusalOf', () => {
  it('lets anyone in without allowlists', () => {
    expect(refusalOf(settings(), identity('oidc', null, false))).toBeNull();
  });

  it('needs a verified email in an allowed domain', () => {
    const gate = settings({ allowedEmailDomains: ['example.com'] });
    expect(refusalOf(gate, identity('oidc', 'ann@Example.com'))).toBeNull();
    expect(refusalOf(gate, identity('oidc', 'ann@example.com.evil.test'))).toBe('email_domain');
    expect(refusalOf(gate, identity('oidc', null))).toBe('email_domain');
    expect(refusalOf(gate, identity('oidc', 'ann@example.com', false))).toBe('email_unverified');
  });

  it('needs GitHub users in an allowed organization; OIDC users are not asked', () => {
    const gate = settings({ allowedGithubOrgs: ['flotilla-org'] });
    expect(refusalOf(gate, identity('github', 'a@b.c', true, ['other', 'flotilla-org']))).toBeNull();
    expect(refusalOf(gate, identity('github', 'a@b.c', true, ['other']))).toBe('github_org');
    expect(refusalOf(gate, identity('oidc', 'a@b.c'))).toBeNull();
  });
});

describe('newUserStatus', () => {
  it('is pending only with approval required', () => {
    expect(newUserStatus(settings())).toBe('active');
    expect(newUserStatus(settings({ requireApproval: true }))).toBe('pending');
  });
});
