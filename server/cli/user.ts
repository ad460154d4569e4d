// npm run user -- add --email a@b.c --role marketing [--name "A B"] [--password …]
// npm run user -- list | set-password --email … [--password …] | disable --email … | enable --email …
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ROLES, type CurrentUser, type Role } from '../auth/roles.ts';
import { DomainError } from '../errors.ts';
import { defineCommand, UsageError } from './command.ts';

const SUBCOMMANDS = ['add', 'list', 'set-password', 'disable', 'enable'] as const;
type Subcommand = typeof SUBCOMMANDS[number];

// The shell acts as the machine's operator, not as any user, so the self-change rule does not apply.
const OPERATOR: CurrentUser = { id: 'cli', email: 'cli', name: 'cli', role: 'admin' };

export default defineCommand({
  usage: `usage: npm run user -- <command> [options]
  add --email E --role ${ROLES.join('|')} [--name N] [--password P]   (a password is generated when omitted)
  list
  set-password --email E [--password P]
  disable --email E | enable --email E`,

  parse(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv, allowPositionals: true,
        options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } },
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const { positionals: [command], values } = parsed;
    if (!command || !(SUBCOMMANDS as readonly string[]).includes(command)) throw new UsageError(command ? `unknown command ${command}` : 'no command');
    if (command !== 'list' && !values.email) throw new UsageError('--email is required');
    if (command === 'add' && !(ROLES as readonly string[]).includes(values.role ?? '')) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    return { command: command as Subcommand, email: values.email ?? '', role: values.role as Role, name: values.name, password: values.password };
  },

  async run({ services: { auth }, out }, args) {
    try {
      if (args.command === 'list') {
        for (const u of await auth.listUsers()) out.print(`${u.email.padEnd(36)} ${u.role.padEnd(10)} ${u.disabled ? 'disabled' : 'active'}  ${u.name}`);
        return 0;
      }
      const password = args.password ?? randomBytes(12).toString('base64url');
      if (args.command === 'add') {
        const user = await auth.createUser({ email: args.email, name: args.name ?? '', role: args.role, password });
        out.print(`added ${user.email} (${user.role})${args.password ? '' : `, password: ${password}`}`);
        return 0;
      }
      const user = await auth.findUserByEmail(args.email);
      if (!user) {
        out.warn(`no user ${args.email}`);
        return 1;
      }
      if (args.command === 'set-password') {
        await auth.updateUser(OPERATOR, user.id, { password });
        out.print(`new password for ${user.email}${args.password ? ' set' : `: ${password}`}`);
      } else {
        await auth.updateUser(OPERATOR, user.id, { disabled: args.command === 'disable' });
        out.print(`${user.email} ${args.command}d`);
      }
      return 0;
    } catch (error) {
      // A rule the person broke (a taken email, a short password) is their answer; anything else is a failure to report.
      if (!(error instanceof DomainError)) throw error;
      out.warn(error.message);
      return 1;
    }
  },
});
