import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import { PASSWORD_MIN_LENGTH } from '../auth/passwords.js';
import { isUniqueViolation } from '../db/errors.js';
import { createSuperuser } from '../modules/account/service.js';
import { openMigrated } from './runtime.js';

export async function createsuperuser(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { username: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' }, account: { type: 'string' } },
  });
  let { username, email, password } = values;
  if (!username || !email || !password) {
    if (!process.stdin.isTTY) {
      console.error('createsuperuser: give --username, --email and --password (no terminal to ask on)');
      process.exit(2);
    }
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    username ||= await rl.question('Username: ');
    email ||= await rl.question('Email: ');
    password ||= await rl.question('Password: ');
    rl.close();
  }
  if (!/^[\w.@+-]{1,150}$/.test(username)) return fail('username may use letters, digits and . @ + - _ (1-150 characters)');
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) return fail('email is not an email address');
  if (password.length < PASSWORD_MIN_LENGTH) return fail(`password must have at least ${PASSWORD_MIN_LENGTH} characters`);
  const { database } = await openMigrated();
  try {
    const { user, account, joined } = await createSuperuser(database.db, { username, email, password, accountName: values.account });
    console.log(`Created superuser "${user.username}" (id ${user.id}) in ${joined ? 'the existing' : 'the new'} account "${account.name}" (id ${account.id}).`);
  } catch (err) {
    if (isUniqueViolation(err)) return fail(`a user with that username or email already exists`);
    throw err;
  } finally {
    await database.close();
  }
}

function fail(message: string): never {
  console.error(`createsuperuser: ${message}`);
  process.exit(2);
}
