import { describe, expect, it } from 'vitest';
import { assignableRoles, inviteRequestOf, mayManageMember } from './member-rules';
import { rightsOf, roleOf } from './project-role';

describe('project rights', () => {
  it('a project without a role is the operator’s: the owner', () => {
    expect(roleOf({})).toBe('owner');
    expect(roleOf({ role: 'viewer' })).toBe('viewer');
  });

  it('viewers read, members write, admins manage, owners own; nothing while unknown', () => {
    expect(rightsOf('viewer')).toEqual({ role: 'viewer', canWrite: false, canManage: false, isOwner: false });
    expect(rightsOf('member')).toEqual({ role: 'member', canWrite: true, canManage: false, isOwner: false });
    expect(rightsOf('admin')).toEqual({ role: 'admin', canWrite: true, canManage: true, isOwner: false });
    expect(rightsOf('owner')).toEqual({ role: 'owner', canWrite: true, canManage: true, isOwner: true });
    expect(rightsOf(null)).toEqual({ role: null, canWrite: false, canManage: false, isOwner: false });
  });
});

describe('member rules', () => {
  it('only the owner gives or takes the admin role', () => {
    expect(assignableRoles('owner')).toEqual(['admin', 'member', 'viewer']);
    expect(assignableRoles('admin')).toEqual(['member', 'viewer']);
    expect(assignableRoles('member')).toEqual([]);
    expect(assignableRoles(null)).toEqual([]);
    expect(mayManageMember('owner', { role: 'admin' })).toBe(true);
    expect(mayManageMember('admin', { role: 'admin' })).toBe(false);
    expect(mayManageMember('admin', { role: 'viewer' })).toBe(true);
    expect(mayManageMember('member', { role: 'viewer' })).toBe(false);
    expect(mayManageMember('owner', { role: 'owner' })).toBe(false);
  });

  it('the invite field is an email with an "@", a GitHub login otherwise', () => {
    expect(inviteRequestOf(' octocat ', 'viewer')).toEqual({ request: { githubLogin: 'octocat', role: 'viewer' } });
    expect(inviteRequestOf('@octocat', 'member')).toEqual({ request: { githubLogin: 'octocat', role: 'member' } });
    expect(inviteRequestOf('a@example.com', 'admin')).toEqual({ request: { email: 'a@example.com', role: 'admin' } });
    expect(inviteRequestOf('', 'viewer')).toEqual({ error: 'Give a GitHub login or an email address.' });
    expect(inviteRequestOf('not a login', 'viewer')).toEqual({ error: 'That is not a GitHub login (letters, digits and dashes).' });
    expect(inviteRequestOf('a@b', 'viewer')).toEqual({ error: 'That is not an email address.' });
  });
});
