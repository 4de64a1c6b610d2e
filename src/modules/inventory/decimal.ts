import { Type } from '@sinclair/typebox';
import type { Plugin } from 'ajv';

/**
 * Exact quantities: numeric(18,4) in SQL, strings in JSON, and scaled bigints (× 10⁴) when JS must add or compare.
 * No float ever touches a quantity.
 */
export const SCALE = 10_000n;
const PATTERN = /^(-)?(\d{1,14})(?:\.(\d{1,4}))?$/;

/** The largest numeric(18,4) value, scaled and as a JSON number. */
export const MAX_SCALED = 999_999_999_999_999_999n;
// The nearest double to numeric(18,4)'s largest value (written as a string: the literal cannot be exact).
const MAX_NUMBER = Number('99999999999999.9999');

/**
 * The request schemas of quantities and money. The `x-decimal` keyword (checked by the Ajv plugin below) applies the
 * one grammar of `toScaled` to strings and JSON numbers alike, so nothing but an exact numeric(18,4) value passes
 * validation: no `"0x10"`, `"1e3"`, `" 1"`, `[1]`, `1e300` or `0.00001`.
 */
export const DecimalInput = Type.Union([Type.String({ pattern: '^-?\\d{1,14}(\\.\\d{1,4})?$' }), Type.Number({ minimum: -MAX_NUMBER, maximum: MAX_NUMBER })], {
  'x-decimal': 'any',
  description: 'An exact decimal: at most 14 digits before the point and 4 after; sent as a string or a number, answered as a string.',
});
export const PositiveUnits = Type.Union([Type.String({ pattern: '^\\d{1,14}(\\.\\d{1,4})?$' }), Type.Number({ exclusiveMinimum: 0, maximum: MAX_NUMBER })], {
  'x-decimal': 'positive',
  description: 'A quantity greater than zero: at most 14 digits before the point and 4 after (string or number).',
});

/** Ajv plugin: the `x-decimal` keyword ('any' or 'positive') of the schemas above. */
export const decimalKeyword: Plugin<unknown> = (ajv) =>
  ajv.addKeyword({
    keyword: 'x-decimal',
    schemaType: 'string',
    error: {
      message: ({ schema }) =>
        schema === 'positive'
          ? 'must be a decimal greater than zero with at most 14 digits before the point and 4 after'
          : 'must be a decimal with at most 14 digits before the point and 4 after',
    },
    validate: (kind: string, data: unknown) => {
      if (typeof data !== 'string' && typeof data !== 'number') return false;
      if (!isExactDecimal(data)) return false;
      return kind !== 'positive' || toScaled(data) > 0n;
    },
  });

/** An input decimal (the request grammar: at most 14 + 4 digits) as a scaled bigint; RangeError otherwise. */
export function toScaled(v: string | number): bigint {
  const s = typeof v === 'number' ? numberText(v) : v;
  const m = PATTERN.exec(s);
  if (!m) throw new RangeError(`not an exact decimal: ${s.slice(0, 40)}`);
  const [, minus, whole, frac = ''] = m;
  const n = BigInt(whole!) * SCALE + BigInt(frac.padEnd(4, '0'));
  return minus ? -n : n;
}

/** A decimal computed by the database (a sum or product may pass numeric(18,4)'s range) as a scaled bigint. */
export function storedScaled(v: string): bigint {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(v);
  if (!m) throw new RangeError(`not a decimal: ${v.slice(0, 40)}`);
  const [, minus, whole, frac = ''] = m;
  const f = frac.length > 4 ? frac.slice(0, 4) : frac.padEnd(4, '0');
  const n = BigInt(whole!) * SCALE + BigInt(f);
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
