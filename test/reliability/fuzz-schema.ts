// Values for the fuzz, from the JSON schemas the zod route schemas become in
// the OpenAPI document: valid ones (with real values where a field names a
// real thing) and ones that break a field by type, size, content or shape.

import fc from 'fast-check';

/** A JSON schema as @hono/zod-openapi writes it (the keywords paved's schemas use). */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  default?: unknown;
}

/** Resolves `$ref`s and merges `allOf` into one schema. */
export function resolveSchema(schema: Schema, components: Record<string, Schema>): Schema {
  let s = schema;
  for (let i = 0; s.$ref && i < 20; i++) {
    const name = s.$ref.replace('#/components/schemas/', '');
    s = components[name] ?? {};
  }
  if (s.allOf) {
    const parts = s.allOf.map((p) => resolveSchema(p, components));
    return {
      type: 'object',
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
      required: parts.flatMap((p) => p.required ?? []),
    };
  }
  return s;
}

const typesOf = (s: Schema): string[] =>
  s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];

/** Real values by field name (team slugs for `team`, feedback ids for `into`…), mixed into valid values. */
export type Hints = (field: string) => readonly unknown[] | undefined;

interface Ctx {
  components: Record<string, Schema>;
  hints: Hints;
  depth: number;
}

function stringArbitrary(s: Schema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 40, Math.max(min, 40));
  const fits = (v: string) => v.length >= min && v.length <= (s.maxLength ?? Infinity);
  switch (s.format) {
    case 'email':
      return fc.emailAddress().filter(fits);
    case 'uri':
    case 'url':
      return fc.webUrl().filter(fits);
    case 'uuid':
      return fc.uuid();
    case 'date':
      return fc
        .date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc
        .date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString());
  }
  if (s.pattern) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(s.pattern);
    } catch {
      re = undefined;
    }
    // A date pattern matched digit by digit gives 2026-93-41: mostly give real days.
    if (re?.test('2026-11-01')) {
      const day = fc
        .date({ min: new Date('2024-01-01'), max: new Date('2028-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
      return fc.oneof({ arbitrary: day, weight: 4 }, fc.stringMatching(re).filter(fits));
    }
    if (re) return fc.stringMatching(re).filter(fits);
  }
  return fc.string({ minLength: min, maxLength: max });
}

function numberArbitrary(s: Schema, integer: boolean): fc.Arbitrary<number> {
  const lowest =
    s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 1e-6) : s.minimum;
  const highest =
    s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (integer ? 1 : 1e-6) : s.maximum;
  if (integer) {
    return fc.integer({
      min: Math.max(lowest ?? -1000, Number.MIN_SAFE_INTEGER),
      max: Math.min(highest ?? 1000, Number.MAX_SAFE_INTEGER),
    });
  }
  return fc.double({
    min: lowest ?? -1000,
    max: highest ?? 1000,
    noNaN: true,
    noDefaultInfinity: true,
  });
}

function fieldValue(schema: Schema, ctx: Ctx, field: string): fc.Arbitrary<unknown> {
  const s = resolveSchema(schema, ctx.components);
  const schemaArb = schemaValue(s, ctx, field);
  const hinted = ctx.hints(field);
  // Hints are single values: an array field gets them in its items instead.
  const scalar = !typesOf(s).includes('array') && !typesOf(s).includes('object');
  if (!hinted || hinted.length === 0 || !scalar) return schemaArb;
  // Mostly real values, so valid requests reach past "not found" into the logic.
  return fc.oneof(
    { arbitrary: fc.constantFrom(...hinted), weight: 3 },
    { arbitrary: schemaArb, weight: 1 },
  );
}

function schemaValue(s: Schema, ctx: Ctx, field: string): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => fieldValue(a, ctx, field)));
  const types = typesOf(s);
  if (types.length > 1) {
    return fc.oneof(...types.map((t) => schemaValue({ ...s, type: t }, ctx, field)));
  }
  const deeper = { ...ctx, depth: ctx.depth + 1 };
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'string':
      return stringArbitrary(s);
    case 'integer':
      return numberArbitrary(s, true);
    case 'number':
      return numberArbitrary(s, false);
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const item = s.items ? fieldValue(s.items, deeper, field) : fc.string();
      const min = s.minItems ?? 0;
      return fc.array(item, {
        minLength: min,
        maxLength: Math.max(min, Math.min(s.maxItems ?? 3, 3)),
      });
    }
    case 'object': {
      if (ctx.depth > 6) return fc.constant({});
      const props = s.properties ?? {};
      const model = Object.fromEntries(
        Object.entries(props).map(([k, p]) => [k, fieldValue(p, deeper, k)]),
      );
      return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Valid values for a schema, with real values where `hints` knows the field. */
export function validValue(
  schema: Schema,
  components: Record<string, Schema>,
  hints: Hints,
  field = '',
): fc.Arbitrary<unknown> {
  return fieldValue(schema, { components, hints, depth: 0 }, field);
}

/** Strings that have broken parsers, databases and templates elsewhere. */
export const ODD_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF\uD800',
  '\u202Eevil',
  '\uFEFF',
  '👍🏽‍🔥',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  "' OR 1=1 --",
  '"; drop table users; --',
  '../../../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '=HYPERLINK("http://x")',
  '\r\nSet-Cookie: a=b',
  '#{7*7}{{7*7}}<%= 7*7 %>',
  'a'.repeat(1001),
  'ä'.repeat(5000),
  '2026-02-30',
  '2026-13-01T25:61:00Z',
  '0000-00-00',
  'x@y',
  '@',
  'http://[::1',
  'file:///etc/passwd',
];

/** Values of every JSON type, for putting where another type belongs. */
export const WRONG_TYPES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 1,
  '',
  'x',
  [],
  [null],
  ['a', 1],
  {},
  { a: 1 },
  { __proto__: { polluted: 'yes' } },
];

/** A value of the wrong type for a schema: a number for a string, a string for a number… */
export function wrongTypeFor(
  schema: Schema,
  components: Record<string, Schema>,
): fc.Arbitrary<unknown> {
  const s = resolveSchema(schema, components);
  const types = typesOf(s);
  const sameType = (v: unknown) => {
    const t = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
    if (t === 'number')
      return types.includes('number') || (types.includes('integer') && Number.isInteger(v));
    return types.includes(t === 'object' ? 'object' : t);
  };
  const candidates = WRONG_TYPES.filter((v) => types.length === 0 || !sameType(v));
  return fc.constantFrom(...(candidates.length > 0 ? candidates : WRONG_TYPES));
}

/** A value of the right type that the schema surely refuses: too long, too many, too big, not a choice. */
export function outOfBoundsFor(
  schema: Schema,
  components: Record<string, Schema>,
): fc.Arbitrary<unknown> {
  const s = resolveSchema(schema, components);
  const types = typesOf(s);
  const options: unknown[] = [];
  if (s.enum) options.push('not-one-of-them', ` ${String(s.enum[0])}`);
  else if (types.includes('string')) {
    if (s.maxLength !== undefined) options.push('x'.repeat(s.maxLength + 1));
    if (s.minLength) options.push('x'.repeat(s.minLength - 1));
  }
  if (types.includes('integer')) options.push(0.5);
  if (types.includes('integer') || types.includes('number')) {
    if (s.maximum !== undefined) options.push(s.maximum + 1);
    if (s.minimum !== undefined) options.push(s.minimum - 1);
  }
  if (types.includes('array')) {
    if (s.maxItems !== undefined) options.push(new Array(s.maxItems + 1).fill('x'));
    if (s.minItems) options.push([]);
  }
  if (options.length === 0) return wrongTypeFor(schema, components);
  return fc.constantFrom(...options);
}

/** The properties of an object schema, with whether each is required. */
export function propertiesOf(
  schema: Schema | undefined,
  components: Record<string, Schema>,
): Array<{ name: string; schema: Schema; required: boolean }> {
  if (!schema) return [];
  const s = resolveSchema(schema, components);
  if (!typesOf(s).includes('object') && !s.properties) return [];
  return Object.entries(s.properties ?? {}).map(([name, p]) => ({
    name,
    schema: p,
    required: (s.required ?? []).includes(name),
  }));
}

/**
 * Percent-encodes any string, lone surrogates included (as the bytes WTF-8
 * would give them, which are not UTF-8): odd paths must reach the server.
 */
export function encodeAny(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length;
    const next = pair ? text.charCodeAt(i + 1) : 0;
    if (pair && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out +=
        `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`.toUpperCase();
    } else {
      out += encodeURIComponent(text[i]!);
    }
  }
  return out;
}
