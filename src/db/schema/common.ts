import { bigint, timestamp } from 'drizzle-orm/pg-core';

/** Surrogate keys: bigint identity, read as JS numbers (safe far beyond any realistic row count). */
export const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();
export const ref = (name: string) => bigint(name, { mode: 'number' });
export const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
export const tstamp = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
