import { openMigrated } from './runtime.js';

export async function migrate(): Promise<void> {
  const { database } = await openMigrated();
  await database.close();
  console.log('Migrations applied.');
}
