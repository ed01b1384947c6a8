// Fuzz cases for the HTML routes: pages with odd path parameters and query
// strings, and form posts built from the forms paved itself renders, valid
// or broken in one field, in their encoding or in their shape.

import fc from 'fast-check';
import type { CallerName, FuzzRequest, PathHints } from './fuzz-api.ts';
import { encodeAny, ODD_STRINGS } from './fuzz-schema.ts';

/** One field of a rendered form: its name, type and the values the page offers. */
export interface FormField {
  name: string;
  type: string;
  values: string[];
}

/** A form paved rendered, by the route pattern its action matches. */
export interface Form {
  action: string;
  fields: FormField[];
}

const attr = (tag: string, name: string) =>
  new RegExp(`\\b${name}="([^"]*)"`)
    .exec(tag)?.[1]
    ?.replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"');

/** The post forms of a page with their fields (inputs, text areas, selects and buttons). */
export function formsOf(html: string): Form[] {
  const forms: Form[] = [];
  for (const [form] of html.matchAll(/<form\b[\s\S]*?<\/form>/g)) {
    const open = /<form\b[^>]*>/.exec(form)?.[0] ?? '';
    if ((attr(open, 'method') ?? 'get').toLowerCase() !== 'post') continue;
    const action = attr(open, 'action');
    if (!action) continue;
    const fields = new Map<string, FormField>();
    const add = (name: string | undefined, type: string, value: string | undefined) => {
      if (!name) return;
      const f = fields.get(name) ?? { name, type, values: [] };
      if (value !== undefined && !f.values.includes(value)) f.values.push(value);
      fields.set(name, f);
    };
    for (const [tag] of form.matchAll(/<(input|button)\b[^>]*>/g)) {
      add(attr(tag, 'name'), attr(tag, 'type') ?? 'text', attr(tag, 'value'));
    }
    for (const m of form.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
      add(attr(m[1]!, 'name'), 'textarea', m[2]);
    }
    for (const m of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const name = attr(m[1]!, 'name');
      add(name, 'select', undefined);
      for (const [opt] of m[2]!.matchAll(/<option\b[^>]*>/g))
        add(name, 'select', attr(opt, 'value'));
    }
    forms.push({ action: action.split('?')[0]!.split('#')[0]!, fields: [...fields.values()] });
  }
  return forms;
}

/** A route pattern as a regular expression over paths. */
export function routeMatcher(route: string): RegExp {
  const source = route
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

const PAGE_CALLERS: CallerName[] = ['anonymous', 'developer', 'platform', 'leader', 'admin'];

/** Query keys paved's pages read, plus ones they do not. */
const QUERY_KEYS = [
  'by',
  'cursor',
  'period',
  'capability',
  'team',
  'status',
  'q',
  'sort',
  'next',
  'touchpoint',
  'kind',
  'since',
  'window',
  'breaking',
  'page',
  'unknown',
];

function fill(route: string, values: Record<string, string>): string {
  return route.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) =>
    encodeAny(values[name] ?? 'x'),
  );
}

/** A value a person could type into a field of this kind. */
function typedValue(field: FormField): fc.Arbitrary<string> {
  if (field.values.length > 0 && field.type !== 'textarea') return fc.constantFrom(...field.values);
  switch (field.type) {
    case 'email':
      return fc.emailAddress();
    case 'number':
      return fc.integer({ min: -5, max: 200 }).map(String);
    case 'date':
      return fc.constantFrom('2026-11-01', '2026-12-31', '2027-01-15');
    case 'url':
      return fc.webUrl();
    case 'checkbox':
      return fc.constantFrom('on', '1', 'true');
    default:
      return fc.string({ maxLength: 60 });
  }
}

/** The arbitrary of fuzz requests for one HTML route. */
export function pageCases(
  method: string,
  route: string,
  forms: readonly Form[],
  hints: PathHints,
): fc.Arbitrary<FuzzRequest> {
  const names = [...route.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
  const before = (name: string) =>
    route
      .slice(0, route.indexOf(`:${name}`))
      .split('/')
      .filter(Boolean)
      .at(-1) ?? '';
  const pathValue = (name: string) => {
    const real = hints(name, before(name));
    const generated = fc.string({ minLength: 1, maxLength: 20 });
    return real.length > 0
      ? fc.oneof({ arbitrary: fc.constantFrom(...real), weight: 4 }, generated)
      : generated;
  };
  const path = fc.record(
    Object.fromEntries(names.map((n) => [n, pathValue(n)])) as Record<string, fc.Arbitrary<string>>,
  );
  const caller = fc.constantFrom(...PAGE_CALLERS);
  const key = `${method} ${route}`;
  const request = (
    mode: string,
    c: CallerName,
    values: Record<string, string>,
    extra: Partial<FuzzRequest> = {},
  ): FuzzRequest => ({
    route: key,
    mode,
    caller: c,
    method,
    url: fill(route, values),
    headers: {},
    ...extra,
  });

  const modes: Array<fc.Arbitrary<FuzzRequest>> = [
    fc.tuple(caller, path).map(([c, p]) => request('valid', c, p)),
    fc
      .tuple(caller, path, fc.constantFrom(...ODD_STRINGS))
      .map(([c, p, odd]) =>
        names.length === 0
          ? request('path-odd', c, p, { url: `${fill(route, p)}/${encodeAny(odd)}` })
          : request('path-odd', c, { ...p, [names[0]!]: odd }),
      ),
    fc
      .tuple(
        caller,
        path,
        fc.constantFrom(...QUERY_KEYS),
        fc.constantFrom(...ODD_STRINGS, '%', '%E0%A4%A', '%FF'),
      )
      .map(([c, p, k, v]) =>
        request('query-odd', c, p, {
          // Raw on purpose: a stray % or an invalid escape must not break the page.
          url: `${fill(route, p)}?${k}=${/^%/.test(v) ? v : encodeAny(v)}&${k}=2`,
        }),
      ),
  ];
  if (method === 'GET') return fc.oneof(...modes);

  const matching = forms.filter((f) => routeMatcher(route).test(f.action));
  const fields = matching.flatMap((f) => f.fields);
  const form = (chosen: FormField[]) =>
    fc.tuple(...chosen.map((f) => typedValue(f).map((v) => [f.name, v] as [string, string])));
  const baseForm: fc.Arbitrary<Array<[string, string]>> =
    fields.length > 0 ? fc.constantFrom(...matching).chain((f) => form(f.fields)) : fc.constant([]);
  const encode = (pairs: Array<[string, string]>) => new URLSearchParams(pairs).toString();
  const post = (mode: string, extra: (pairs: Array<[string, string]>) => Partial<FuzzRequest>) =>
    fc.tuple(caller, path, baseForm).map(([c, p, pairs]) =>
      request(mode, c, p, {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: encode(pairs),
        ...extra(pairs),
      }),
    );
  const fieldNames = fields.length > 0 ? fields.map((f) => f.name) : ['title', 'name', 'body'];

  modes.push(
    post('form-valid', () => ({})),
    fc
      .tuple(
        caller,
        path,
        baseForm,
        fc.constantFrom(...fieldNames),
        fc.constantFrom(...ODD_STRINGS, 'x'.repeat(100_000)),
      )
      .map(([c, p, pairs, name, odd]) =>
        request('form-field-odd', c, p, {
          field: name,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: encode([...pairs.filter(([k]) => k !== name), [name, odd]]),
        }),
      ),
    fc.tuple(caller, path, baseForm, fc.constantFrom(...fieldNames)).map(([c, p, pairs, name]) =>
      request('form-field-missing', c, p, {
        field: name,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: encode(pairs.filter(([k]) => k !== name)),
      }),
    ),
    fc.tuple(caller, path, baseForm, fc.constantFrom(...fieldNames)).map(([c, p, pairs, name]) =>
      request('form-field-repeated', c, p, {
        field: name,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: encode([...pairs, [name, 'a'], [name, 'b'], [`${name}[]`, 'c']]),
      }),
    ),
    post('form-proto', (pairs) => ({
      body: `${encode(pairs)}&__proto__%5Bpolluted%5D=yes&constructor%5Bprototype%5D%5Bpolluted%5D=yes&__proto__=x&prototype=y`,
    })),
    post('form-bad-encoding', (pairs) => ({
      body: `${encode(pairs)}&${encodeURIComponent(fieldNames[0]!)}=%FF%FE%E0%A4%A&%=%&a=%zz`,
    })),
    post('form-content-type', (pairs) => ({
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(Object.fromEntries(pairs)),
    })),
    post('form-multipart', (pairs) => {
      const b = 'paved-fuzz-7MA4YWxkTrZu0gW';
      const parts = pairs.map(
        ([k, v]) => `--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
      );
      return {
        headers: { 'Content-Type': `multipart/form-data; boundary=${b}` },
        body: `${parts.join('')}--${b}\r\nContent-Disposition: form-data; name="file"; filename="x.txt"\r\n\r\nfile\r\n--${b}--\r\n`,
      };
    }),
    post('form-multipart-broken', (pairs) => ({
      headers: { 'Content-Type': 'multipart/form-data; boundary=paved-fuzz-boundary' },
      body: `--paved-fuzz-boundary\r\nContent-Disposition: form-data; name="${pairs[0]?.[0] ?? 'x'}"\r\n\r\nno end`,
    })),
    post('form-empty', () => ({ body: '' })),
  );
  return fc.oneof(...modes);
}
