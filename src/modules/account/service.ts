import { and, asc, count, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { accounts, groups, userGroups, users } from '../../db/schema/index.js';
import { BUILTIN_GROUPS, BUILTIN_REPORTS } from '../../access/permissions.js';
import { hashPassword } from '../../auth/passwords.js';
import { makeSecret } from '../../auth/secrets.js';

/** Creates a business with its built-in groups. Takes the database, not a ctx: it runs before any user exists to act as. */
export async function createAccount(db: Db | Tx, name: string) {
  const [account] = await db.insert(accounts).values({ name }).returning();
  const builtins = await db
    .insert(groups)
    .values(
      Object.entries(BUILTIN_GROUPS).map(([key, permissions]) => ({
        accountId: account!.id,
        name: key,
        builtin: key,
        permissions,
        reports: BUILTIN_REPORTS[key as keyof typeof BUILTIN_GROUPS],
      })),
    )
    .returning();
  return {
    account: account!,
    groups: Object.fromEntries(builtins.map((g) => [g.builtin!, g])) as Record<keyof typeof BUILTIN_GROUPS, (typeof builtins)[number]>,
  };
}

export interface NewSuperuser {
  username: string;
  email: string;
  password: string;
  accountName?: string;
}

/**
 * A superuser in the account of that name (the oldest, if several), created if there is none; member of its owner group.
 * Like createAccount, it takes the database: it makes the first user there is to act as.
 */
export async function createSuperuser(db: Db, input: NewSuperuser) {
  const passwordHash = await hashPassword(input.password);
  const name = input.accountName ?? 'Default';
  return db.transaction(async (tx) => {
    const [existing] = await tx.select().from(accounts).where(eq(accounts.name, name)).orderBy(asc(accounts.id)).limit(1);
    let account: typeof accounts.$inferSelect;
    let ownerGroupId: number | undefined;
    if (existing) {
      account = existing;
      const [owner] = await tx
        .select({ id: groups.id })
        .from(groups)
        .where(and(eq(groups.accountId, existing.id), eq(groups.builtin, 'owner')))
        .limit(1);
      ownerGroupId = owner?.id;
    } else {
      const created = await createAccount(tx, name);
      account = created.account;
      ownerGroupId = created.groups.owner.id;
    }
    const [user] = await tx
      .insert(users)
      .values({ accountId: account.id, username: input.username, email: input.email, passwordHash, isSuperuser: true })
      .returning();
    if (ownerGroupId) await tx.insert(userGroups).values({ accountId: account.id, userId: user!.id, groupId: ownerGroupId });
    return { account, user: user!, joined: !!existing };
  });
}

/** On a database with no users, creates the first account and an `admin` superuser with a random password. */
export async function ensureFirstAdmin(db: Db): Promise<{ username: string; password: string } | null> {
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(users);
  if (n > 0) return null;
  const password = makeSecret('pat').slice(7, 31);
  await createSuperuser(db, { username: 'admin', email: 'admin@localhost', password });
  return { username: 'admin', password };
}
