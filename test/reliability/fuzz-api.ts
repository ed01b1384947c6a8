// Fuzz cases for the JSON API, generated from its OpenAPI document: each
// operation's path, query and body, valid or broken in one place.

import fc from 'fast-check';
import {
  encodeAny,
  type Hints,
  ODD_STRINGS,
  outOfBoundsFor,
  propertiesOf,
  resolveSchema,
  type Schema,
  validValue,
  wrongTypeFor,
} from './fuzz-schema.ts';

/** Who sends a case: nobody, a person of a role (their API token), or an ingest token. */
export type CallerName = 'anonymous' | 'developer' | 'platform' | 'leader' | 'admin' | 'ingest';

/** One request of the fuzz, before credentials are added. */
export interface FuzzRequest {
  /** The route pattern, `METHOD /path/:param`, as the app registers it. */
  route: string;
  /** How the request was made: valid, or what was broken. */
  mode: string;
  /** The field that was broken, when one was (`title`, `query.limit`, `path.id`). */
  field?: string;
  /** True when a 400 must name `field` among its errors (the value is surely invalid). */
  namesField?: boolean;
  /** Fields validated before the body (path and query parameters): a 400 may name these instead. */
  earlierFields?: string[];
  /** The only statuses this case may get (a body over the limit: 413, or a refusal before reading it). */
  expectStatus?: number[];
  caller: CallerName;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

interface Param {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

/** One operation of the OpenAPI document. */
export interface Operation {
  method: string;
  /** The Hono pattern under /api/v1, such as /api/v1/teams/:slug. */
  route: string;
  params: Param[];
  body?: { types: string[]; schema?: Schema; required: boolean };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components?: { schemas?: Record<string, Schema> };
}

/** Every operation of the document, with its route as the app registers it. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = (op.requestBody as { content?: Record<string, { schema?: Schema }> })
        ?.content;
      ops.push({
        method: method.toUpperCase(),
        route: `/api/v1${path.replace(/\{([^}]+)\}/g, ':$1')}`,
        params: (op.parameters as Param[] | undefined) ?? [],
        body: content
          ? {
              types: Object.keys(content),
              schema: Object.values(content)[0]?.schema,
              required: Boolean((op.requestBody as { required?: boolean }).required),
            }
          : undefined,
      });
    }
  }
  return ops;
}

/** Real values for a path parameter, by its name and the path segment before it. */
export type PathHints = (name: string, before: string) => readonly string[];

const CALLERS: CallerName[] = ['anonymous', 'developer', 'platform', 'leader', 'admin'];

const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/jsonx',
  'APPLICATION/JSON',
  'application/vnd.api+json',
];

const BAD_UTF8: readonly number[][] = [
  [0xff, 0xfe],
  [0xc3, 0x28],
  [0xed, 0xa0, 0x80],
  [0xe2, 0x82],
  [0xf0, 0x28, 0x8c, 0x28],
  [0xc0, 0xaf],
  [0x80],
];

const PROTO_KEYS = [
  '"__proto__":{"polluted":"yes","role":"admin"}',
  '"constructor":{"prototype":{"polluted":"yes"}}',
  '"prototype":{"polluted":"yes"}',
];

/** Puts raw JSON members at the front of an object's text. */
function withMembers(json: string, members: string): string {
  if (!json.startsWith('{')) return `{${members}}`;
  return json === '{}' ? `{${members}}` : `{${members},${json.slice(1)}`;
}

const encoder = new TextEncoder();

/** The JSON text with invalid UTF-8 bytes inside its first string (or at its end). */
function withBadBytes(json: string, bytes: readonly number[]): Uint8Array {
  const at = json.indexOf('":"');
  const cut = at >= 0 ? at + 3 : json.length;
  const head = encoder.encode(json.slice(0, cut));
  const tail = encoder.encode(json.slice(cut));
  return new Uint8Array([...head, ...bytes, ...tail]);
}

function pathOf(route: string, values: Record<string, string>): string {
  return route.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) =>
    encodeAny(values[name] ?? ''),
  );
}

const segmentBefore = (route: string, name: string) =>
  route
    .slice(0, route.indexOf(`:${name}`))
    .split('/')
    .filter(Boolean)
    .at(-1) ?? '';

/** The arbitrary of fuzz requests for one operation. */
export function operationCases(
  op: Operation,
  doc: OpenApiDocument,
  hints: { fields: Hints; path: PathHints },
): fc.Arbitrary<FuzzRequest> {
  const components = doc.components?.schemas ?? {};
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const jsonBody = op.body?.types.includes('application/json') ? op.body : undefined;
  const bodySchema = jsonBody?.schema ? resolveSchema(jsonBody.schema, components) : undefined;
  const props = propertiesOf(bodySchema, components);
  const isEvents = op.route === '/api/v1/events';
  const callers: CallerName[] = isEvents ? [...CALLERS, 'ingest', 'ingest'] : CALLERS;

  const pathValue = (p: Param) => {
    const real = hints.path(p.name, segmentBefore(op.route, p.name));
    const generated = validValue(p.schema ?? { type: 'string' }, components, () => undefined).map(
      String,
    );
    return real.length > 0
      ? fc.oneof(
          { arbitrary: fc.constantFrom(...real), weight: 4 },
          { arbitrary: generated, weight: 1 },
        )
      : generated;
  };
  const validPath = fc.record(
    Object.fromEntries(pathParams.map((p) => [p.name, pathValue(p)])) as Record<
      string,
      fc.Arbitrary<string>
    >,
  );
  const validQuery = fc.record(
    Object.fromEntries(
      queryParams.map((p) => [
        p.name,
        validValue(p.schema ?? { type: 'string' }, components, hints.fields, p.name).map((v) =>
          Array.isArray(v) ? v.join(',') : String(v),
        ),
      ]),
    ) as Record<string, fc.Arbitrary<string>>,
    { requiredKeys: queryParams.filter((p) => p.required).map((p) => p.name) },
  );
  const validBody: fc.Arbitrary<unknown> = bodySchema
    ? validValue(bodySchema, components, hints.fields)
    : fc.constant(undefined);

  const base = fc.record({
    caller: fc.constantFrom(...callers),
    path: validPath,
    query: validQuery,
    body: validBody,
  });

  type Base = {
    caller: CallerName;
    path: Record<string, string>;
    query: Record<string, string>;
    body: unknown;
  };
  const make = (
    b: Base,
    mode: string,
    extra: Partial<FuzzRequest> & { rawBody?: string | Uint8Array; type?: string | null } = {},
  ): FuzzRequest => {
    const { rawBody, type, ...rest } = extra;
    const qs = new URLSearchParams(b.query).toString();
    const url = `${pathOf(op.route, b.path)}${qs ? `?${qs}` : ''}`;
    const headers: Record<string, string> = {};
    let body: string | Uint8Array | undefined = rawBody;
    if (body === undefined && jsonBody && b.body !== undefined) body = JSON.stringify(b.body);
    if (body === undefined && isEvents) body = '';
    const contentType = type === undefined ? (op.body ? 'application/json' : null) : type;
    if (contentType && body !== undefined) headers['Content-Type'] = contentType;
    return {
      route: `${op.method} ${op.route}`,
      mode,
      caller: b.caller,
      method: op.method,
      url,
      headers,
      body,
      ...rest,
    };
  };

  const modes: Array<fc.Arbitrary<FuzzRequest>> = [
    base.map((b) => make(b, 'valid')),
    base.chain((b) =>
      fc
        .constantFrom(...ODD_STRINGS, ...pathParams.map(() => 'x'.repeat(5000)))
        .chain((odd) =>
          pathParams.length === 0
            ? fc.constant(make(b, 'valid'))
            : fc
                .constantFrom(...pathParams)
                .map((p) =>
                  make({ ...b, path: { ...b.path, [p.name]: odd } }, 'path-odd', { field: p.name }),
                ),
        ),
    ),
    base.chain((b) =>
      fc
        .tuple(
          fc.constantFrom(...queryParams.map((p) => p.name), 'unknownParam', 'limit', 'cursor'),
          fc.constantFrom(...ODD_STRINGS, 'abc', '-5', '0', '1.5', '10001', '[object Object]'),
          fc.boolean(),
        )
        .map(([name, value, repeat]) => {
          const made = make({ ...b, query: { ...b.query, [name]: value } }, 'query-odd', {
            field: name,
          });
          if (repeat) made.url += `${made.url.includes('?') ? '&' : '?'}${encodeAny(name)}=2`;
          return made;
        }),
    ),
    base.chain((b) =>
      fc
        .constantFrom(
          'Bearer',
          'Bearer ',
          'Bearer pvd_not-a-real-token',
          'Bearer pvi_not-a-real-token',
          `Bearer ${'x'.repeat(10_000)}`,
          'Basic YWRtaW46YWRtaW4=',
          'bearer\tx',
          'Bearer ä',
          'Bearer a b',
        )
        .map((authorization) =>
          make({ ...b, caller: 'anonymous' }, 'auth-odd', {
            headers: { Authorization: authorization },
          }),
        ),
    ),
  ];

  if (op.body) {
    modes.push(
      base.chain((b) =>
        fc
          .constantFrom(
            '',
            ' ',
            '\n',
            'null',
            '[]',
            '0',
            '"x"',
            'true',
            '{',
            '{"a":',
            '[[[[[[[[',
            `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
          )
          .map((raw) => make(b, raw === '' ? 'body-empty' : 'body-shape', { rawBody: raw })),
      ),
      base.chain((b) =>
        fc
          .constantFrom(...CONTENT_TYPES, null)
          .map((type) =>
            make(b, 'body-content-type', { type, rawBody: JSON.stringify(b.body ?? {}) }),
          ),
      ),
      base.chain((b) =>
        fc.constantFrom(...BAD_UTF8).map((bytes) =>
          make(b, 'body-bad-utf8', {
            rawBody: withBadBytes(JSON.stringify(b.body ?? {}), bytes),
          }),
        ),
      ),
      base.chain((b) =>
        fc
          .constantFrom(...PROTO_KEYS)
          .map((members) =>
            make(b, 'body-proto', { rawBody: withMembers(JSON.stringify(b.body ?? {}), members) }),
          ),
      ),
    );
  }

  if (props.length > 0) {
    const field = fc.constantFrom(...props);
    const breakField = (
      mode: string,
      value: (p: (typeof props)[number]) => fc.Arbitrary<unknown>,
      namesField: boolean,
    ) =>
      base.chain((b) =>
        field.chain((p) =>
          value(p).map((v) => {
            const body = { ...(b.body as Record<string, unknown>) };
            if (v === DELETE) delete body[p.name];
            else body[p.name] = v;
            return make({ ...b, body }, mode, { field: p.name, namesField });
          }),
        ),
      );
    const DELETE = Symbol('delete');
    modes.push(
      breakField('field-type', (p) => wrongTypeFor(p.schema, components), true),
      breakField('field-bounds', (p) => outOfBoundsFor(p.schema, components), true),
      breakField('field-odd', () => fc.constantFrom(...ODD_STRINGS), false),
      base.chain((b) =>
        fc.constantFrom(...props.filter((p) => p.required), ...props).map((p) => {
          const body = { ...(b.body as Record<string, unknown>) };
          delete body[p.name];
          return make({ ...b, body }, 'field-missing', { field: p.name, namesField: p.required });
        }),
      ),
      base.chain((b) =>
        field.map((p) =>
          make(b, 'field-proto', {
            field: p.name,
            rawBody: JSON.stringify({ ...(b.body as object), [p.name]: null }).replace(
              `"${p.name}":null`,
              `"${p.name}":{"__proto__":{"polluted":"yes"}}`,
            ),
          }),
        ),
      ),
    );
  }
  return fc.oneof(...modes);
}

const hugeBodies = new Map<number, string>();

/** A body one byte over a route's limit, in the content type the route reads. */
export function hugeBodyCase(
  method: string,
  route: string,
  limit: number,
  caller: CallerName,
  api: boolean,
): FuzzRequest {
  let body = hugeBodies.get(limit);
  if (body === undefined) {
    body = 'x'.repeat(limit + 1);
    hugeBodies.set(limit, body);
  }
  return {
    route: `${method} ${route}`,
    mode: 'body-huge',
    caller,
    method,
    url: route.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, 'x'),
    headers: {
      'Content-Type': api ? 'application/json' : 'application/x-www-form-urlencoded',
    },
    body,
    expectStatus: [413, 401, 403],
  };
}
