import { Type } from '@sinclair/typebox';

/**
 * Exact quantities: numeric(18,4) in SQL, strings in JSON, and scaled bigints (× 10⁴) when JS must add or compare.
 * No float ever touches a quantity.
 */
export const SCALE = 10_000n;
const PATTERN = /^(-)?(\d{1,14})(?:\.(\d{1,4}))?$/;

export const DecimalInput = Type.Union([Type.String({ pattern: '^-?\\d{1,14}(\\.\\d{1,4})?$' }), Type.Number()], {
  description: 'An exact decimal (up to 4 places); sent as a string or a number, answered as a string.',
});
export const PositiveUnits = Type.Union([Type.String({ pattern: '^\\d{1,14}(\\.\\d{1,4})?$' }), Type.Number({ exclusiveMinimum: 0 })], {
  description: 'A quantity greater than zero, up to 4 decimal places (string or number).',
});

export function toScaled(v: string | number): bigint {
  const s = typeof v === 'number' ? numberText(v) : v.trim();
  const m = PATTERN.exec(s);
  if (!m) throw new RangeError(`not an exact decimal: ${s}`);
  const [, minus, whole, frac = ''] = m;
  const n = BigInt(whole!) * SCALE + BigInt(frac.padEnd(4, '0'));
  return minus ? -n : n;
}

/** A JSON number as its shortest decimal text, refusing what cannot be exact at 4 places. */
function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError('not finite');
  const s = String(n);
  if (/e/i.test(s)) return n.toFixed(4).replace(/\.?0+$/, '');
  return s;
}

export function fromScaled(n: bigint): string {
  const minus = n < 0n;
  const a = minus ? -n : n;
  const whole = a / SCALE;
  const frac = (a % SCALE).toString().padStart(4, '0');
  return `${minus ? '-' : ''}${whole}.${frac}`;
}

/** Normalises an input decimal to numeric(18,4)'s text ("5" → "5.0000"). */
export function decimalText(v: string | number): string {
  return fromScaled(toScaled(v));
}

export function isExactDecimal(v: string | number): boolean {
  try {
    toScaled(v);
    return true;
  } catch {
    return false;
  }
}

export const minScaled = (a: bigint, b: bigint) => (a < b ? a : b);
