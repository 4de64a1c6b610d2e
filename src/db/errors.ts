/** PostgreSQL error codes we turn into client errors (drizzle wraps the driver's error in `cause`). */
export function pgCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

export const isUniqueViolation = (err: unknown) => pgCode(err) === '23505';
export const isForeignKeyViolation = (err: unknown) => pgCode(err) === '23503';
export const isSerializationFailure = (err: unknown) => pgCode(err) === '40001' || pgCode(err) === '40P01';
export const isNumericOverflow = (err: unknown) => pgCode(err) === '22003';

/**
 * Database errors a client's input could still provoke, mapped to a client error once, for the error handler: the
 * input policy and the services refuse these before SQL, and this is the net under them. Anything not listed is a
 * server fault (500).
 */
const CLIENT_ERRORS: Record<string, ['validation.failed' | 'conflict', string]> = {
  '22001': ['validation.failed', 'A value is too long.'],
  '22003': ['validation.failed', 'A number is out of range.'],
  '22007': ['validation.failed', 'A date or time is not valid.'],
  '22008': ['validation.failed', 'A date or time is out of range.'],
  '22021': ['validation.failed', 'A text is not valid UTF-8.'],
  '22P02': ['validation.failed', 'A value is not valid for its type.'],
  '22P05': ['validation.failed', 'A text holds a character that cannot be stored.'],
  '23502': ['validation.failed', 'A required value is missing.'],
  '54000': ['validation.failed', 'A value is too large to be stored.'],
  '23505': ['conflict', 'An object with this value already exists.'],
  '23503': ['conflict', 'The object refers to, or is referred to by, another object that changed.'],
  '23514': ['conflict', 'The change would break a rule of the stored data.'],
  '40001': ['conflict', 'The change collided with a concurrent one; try again.'],
  '40P01': ['conflict', 'The change collided with a concurrent one; try again.'],
};

export function clientErrorOf(err: unknown): { key: 'validation.failed' | 'conflict'; description: string } | undefined {
  const code = pgCode(err);
  const hit = code ? CLIENT_ERRORS[code] : undefined;
  return hit ? { key: hit[0], description: hit[1] } : undefined;
}
