// npm run user -- add --email a@b.c --role marketing [--name "A B"] [--password …]
// npm run user -- list | set-password --email … [--password …] | disable --email … | enable --email …
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { authService } from '../auth/service.ts';
import { ROLES, type Role } from '../auth/roles.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/client.ts';

const usage = `usage: npm run user -- <command> [options]
  add --email E --role ${ROLES.join('|')} [--name N] [--password P]   (a password is generated when omitted)
  list
  set-password --email E [--password P]
  disable --email E | enable --email E`;

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } },
  });
  const command = positionals[0];
  if (!command || !['add', 'list', 'set-password', 'disable', 'enable'].includes(command)) return fail(usage);
  const config = loadConfig();
  const database = await openDatabase(config.databaseUrl, config.dataDir);
  const auth = authService(database.db);
  try {
    if (command === 'list') {
      for (const u of await auth.listUsers()) console.log(`${u.email.padEnd(36)} ${u.role.padEnd(10)} ${u.disabled ? 'disabled' : 'active'}  ${u.name}`);
      return;
    }
    if (!values.email) return fail(`--email is required\n${usage}`);
    if (command === 'add') {
      if (!values.role || !(ROLES as readonly string[]).includes(values.role)) return fail(`--role must be one of ${ROLES.join(', ')}`);
      const password = values.password ?? randomBytes(12).toString('base64url');
      const user = await auth.createUser({ email: values.email, name: values.name ?? '', role: values.role as Role, password });
      console.log(`added ${user.email} (${user.role})${values.password ? '' : `, password: ${password}`}`);
      return;
    }
    const user = await auth.findUserByEmail(values.email);
    if (!user) return fail(`no user ${values.email}`);
    // The CLI acts as the machine's operator, not as any user, so the self-change rule does not apply.
    const operator = { id: 'cli', email: 'cli', name: 'cli', role: 'admin' as const };
    if (command === 'set-password') {
      const password = values.password ?? randomBytes(12).toString('base64url');
      await auth.updateUser(operator, user.id, { password });
      console.log(`new password for ${user.email}${values.password ? ' set' : `: ${password}`}`);
    } else {
      await auth.updateUser(operator, user.id, { disabled: command === 'disable' });
      console.log(`${user.email} ${command}d`);
    }
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  } finally {
    await database.close();
  }
}

function fail(message: string): void {
  console.error(message);
  process.exitCode = 1;
}

await main();
