/**
 * `flotilla members` against a running control plane (`--server URL`, else the running
 * `flotilla up` or the saved login): a project's members and roles (issue 14, item 2).
 * - `flotilla members [--project P] [--json]`: the members (owner first) and open invites;
 * - `flotilla members add <login|email> --role R`: a GitHub login, or an email (with an `@`); a
 *   member at once when they have signed in before, else an invite until they do;
 * - `flotilla members role <login> <role>`: change a member's role (admin, member, viewer);
 * - `flotilla members remove <login>`: remove a member (their access ends at once).
 * Without `--project`, the caller's only project is meant; with several, the command names them.
 * Exit code 0 done, 1 refused (the API's message, or an unknown login or project).
 */
import { AssignableRole, type MemberList, type ProjectMember } from '@flotilla/contracts';
import type { FlotillaClient } from '@flotilla/api-client';
import { Command, InvalidArgumentError } from 'commander';
import { connectToServer, refusalsAsExitCode, write, type ServerOptions } from './server-connection.js';

type MembersOptions = ServerOptions & { project?: string; json?: boolean };

/** The project `--project` names, else the caller's only one. @throws Error when they have none or several */
async function projectOf(client: FlotillaClient, project: string | undefined): Promise<string> {
  if (project) return project;
  const projects = await client.listProjects();
  if (projects.length === 1) return projects[0]!.id;
  if (projects.length === 0) throw new Error('you are a member of no project yet');
  throw new Error(`you are a member of several projects: name one with --project (${projects.map((p) => `${p.id} ${p.name}`).join(', ')})`);
}

/** The member whose login is `login` (case-insensitive). @throws Error naming the members when there is none */
function memberOf(list: MemberList, login: string): ProjectMember {
  const member = list.members.find((m) => m.login.toLowerCase() === login.toLowerCase());
  if (!member) throw new Error(`${login} is no member of this project (members: ${list.members.map((m) => m.login).join(', ')})`);
  return member;
}

/** One member as a line: `owner   ann (Ann Lee) ann@example.com`. */
export function memberLine(member: ProjectMember): string {
  const name = member.name ? ` (${member.name})` : '';
  return `${member.role.padEnd(7)} ${member.login}${name}${member.email ? ` ${member.email}` : ''}`;
}

/** `flotilla members`. */
export async function listMembersCommand(options: MembersOptions): Promise<number> {
  return refusalsAsExitCode(async () => {
    const client = connectToServer(options);
    const list = await client.listMembers(await projectOf(client, options.project));
    if (options.json) {
      write(JSON.stringify(list));
      return 0;
    }
    for (const member of list.members) write(memberLine(member));
    for (const invite of list.invites) write(`${invite.role.padEnd(7)} ${invite.value} (invited, waiting for their first sign-in)`);
    return 0;
  });
}

/** `flotilla members add <login|email> --role R`. */
export async function addMemberCommand(who: string, options: MembersOptions & { role: AssignableRole }): Promise<number> {
  return refusalsAsExitCode(async () => {
    const client = connectToServer(options);
    const projectId = await projectOf(client, options.project);
    const body = who.includes('@') ? { email: who, role: options.role } : { githubLogin: who, role: options.role };
    const { member, invite } = await client.inviteMember(projectId, body);
    if (member) write(`${member.login} is now ${member.role} of ${projectId}`);
    else if (invite) write(`${invite.value} is invited as ${invite.role}: they join ${projectId} when they first sign in`);
    return 0;
  });
}

/** `flotilla members role <login> <role>`. */
export async function memberRoleCommand(login: string, role: AssignableRole, options: MembersOptions): Promise<number> {
  return refusalsAsExitCode(async () => {
    const client = connectToServer(options);
    const projectId = await projectOf(client, options.project);
    const member = memberOf(await client.listMembers(projectId), login);
    const changed = await client.updateMember(projectId, member.userId, { role });
    write(`${changed.login} is now ${changed.role} of ${projectId}`);
    return 0;
  });
}

/** `flotilla members remove <login>`. */
export async function removeMemberCommand(login: string, options: MembersOptions): Promise<number> {
  return refusalsAsExitCode(async () => {
    const client = connectToServer(options);
    const projectId = await projectOf(client, options.project);
    const member = memberOf(await client.listMembers(projectId), login);
    await client.removeMember(projectId, member.userId);
    write(`${member.login} is no longer a member of ${projectId}`);
    return 0;
  });
}

const parseRole = (value: string): AssignableRole => {
  const parsed = AssignableRole.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`give one of ${AssignableRole.options.join(', ')}`);
  return parsed.data;
};

/** An error of ours (an unknown login, no project) as exit code 1 with its message; the API's refusals are refusalsAsExitCode's. */
async function plainErrors(action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (error) {
    process.stderr.write(`flotilla: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** Register `flotilla members` and its subcommands on `program`; `serverHelp` describes `--server`. */
export function registerMembersCommands(program: Command, serverHelp: string): void {
  const options = <T>(command: Command) => command.optsWithGlobals<T & MembersOptions>();
  const members = program
    .command('members')
    .description("List a project's members (owner first) and open invites")
    .option('--project <id>', 'the project (default: your only one)')
    .option('--json', 'print the members and invites as one JSON object')
    .option('--server <url>', serverHelp)
    .action(async (_options: unknown, command: Command) => {
      process.exitCode = await plainErrors(() => listMembersCommand(options(command)));
    });
  members
    .command('add')
    .description('Add a member by GitHub login or email: at once when they have signed in before, else when they first do')
    .argument('<login-or-email>')
    .requiredOption('--role <role>', `${AssignableRole.options.join(' | ')}`, parseRole)
    .option('--project <id>', 'the project (default: your only one)')
    .option('--server <url>', serverHelp)
    .action(async (who: string, _options: unknown, command: Command) => {
      process.exitCode = await plainErrors(() => addMemberCommand(who, options<{ role: AssignableRole }>(command)));
    });
  members
    .command('role')
    .description("Change a member's role (the owner's changes only by a transfer of ownership)")
    .argument('<login>')
    .argument('<role>', AssignableRole.options.join(' | '), parseRole)
    .option('--project <id>', 'the project (default: your only one)')
    .option('--server <url>', serverHelp)
    .action(async (login: string, role: AssignableRole, _options: unknown, command: Command) => {
      process.exitCode = await plainErrors(() => memberRoleCommand(login, role, options(command)));
    });
  members
    .command('remove')
    .description('Remove a member: their access, and their open live views, end at once')
    .argument('<login>')
    .option('--project <id>', 'the project (default: your only one)')
    .option('--server <url>', serverHelp)
    .action(async (login: string, _options: unknown, command: Command) => {
      process.exitCode = await plainErrors(() => removeMemberCommand(login, options(command)));
    });
}
