/**
 * A stand-in for Qdrant for CONTRACT tests: every request is matched to an operation of Qdrant's own OpenAPI
 * specification (test/fixtures/qdrant/openapi.json, Qdrant 1.19) and its query parameters and JSON body are
 * validated against that operation's schemas with Ajv; anything off is recorded in `violations` and answered 400.
 * Behind the checker sits a tiny in-memory Qdrant (collections, keyword indexes, upsert, delete, count, brute-force
 * cosine query) so an adapter can run whole scenarios. It proves the requests are well-formed by the spec; it does not
 * prove Qdrant behaves like this emulation: the suite against a real server (QDRANT_URL) is still needed.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** Where the specification lives, relative to this file (test/support → repository → its parent). */
export const QDRANT_OPENAPI_URL = new URL('../fixtures/qdrant/openapi.json', import.meta.url);

/** One request the server received, in arrival order. */
export interface QdrantContractRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, `undefined` when there was none. */
  body: unknown;
  /** The spec's operationId, `undefined` when no operation matched. */
  operationId?: string;
  status: number;
}

/** A running contract server. */
export interface QdrantContractServer {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  requests: QdrantContractRequest[];
  /** Requests that break the spec, one human-readable sentence each. */
  violations: string[];
  /** Answers of this server that break the spec (a bug in the stand-in, not in the client). */
  responseViolations: string[];
  close(): Promise<void>;
}

interface Operation {
  operationId: string;
  method: string;
  pattern: RegExp;
  paramNames: string[];
  body?: { validate: ValidateFunction; required: boolean };
  query: Map<string, { validate: ValidateFunction; required: boolean }>;
  response?: ValidateFunction;
}

interface Point {
  id: string | number;
  vector: number[];
  payload: Record<string, unknown>;
  version: number;
}

interface Collection {
  size: number;
  distance: string;
  points: Map<string, Point>;
  indexes: Map<string, string>;
}

type Json = Record<string, unknown>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const SPEC_ID = 'qdrant-openapi';
let operationsCache: Operation[] | undefined;

/** Starts the server on 127.0.0.1 and a free port. */
export async function startQdrantContractServer(): Promise<QdrantContractServer> {
  const operations = loadOperations();
  const collections = new Map<string, Collection>();
  let version = 0;
  const requests: QdrantContractRequest[] = [];
  const violations: string[] = [];
  const responseViolations: string[] = [];

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    const query = Object.fromEntries(url.searchParams);
    const entry: QdrantContractRequest = { method, path: url.pathname, query, body: undefined, status: 0 };
    requests.push(entry);
    const where = `${method} ${url.pathname}`;
    const answer = (status: number, payload: unknown, op?: Operation) => {
      entry.status = status;
      if (status === 200 && op?.response && !op.response(payload)) {
        responseViolations.push(`${where} answer: ${describe(op.response)}`);
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };
    const fail = (status: number, message: string, op?: Operation) =>
      answer(status, { status: { error: message }, time: 0.0001 }, op);

    const match = findOperation(operations, method, url.pathname);
    if (!match) {
      violations.push(`${where}: no such operation in the Qdrant OpenAPI specification`);
      return fail(404, `Not found: ${where}`);
    }
    const { op, params } = match;
    entry.operationId = op.operationId;
    const problems = checkQuery(op, url.searchParams);
    if (raw.length > 0) {
      try {
        entry.body = JSON.parse(raw);
      } catch {
        problems.push('body is not valid JSON');
      }
    }
    if (op.body) {
      if (entry.body === undefined) {
        if (op.body.required) problems.push('body is required');
      } else if (!op.body.validate(entry.body)) {
        problems.push(`body: ${describe(op.body.validate)}`);
      }
    } else if (entry.body !== undefined) {
      problems.push('operation takes no body');
    }
    if (problems.length > 0) {
      for (const p of problems) violations.push(`${where} (${op.operationId}) ${p}`);
      return fail(400, `Format error in request: ${problems.join('; ')}`, op);
    }
    try {
      const wait = url.searchParams.get('wait') === 'true';
      // GET / answers VersionInfo itself; every other operation wraps its result.
      if (op.operationId === 'root') return answer(200, { title: 'qdrant - vector search engine', version: '1.19.0' }, op);
      const result = handle(op.operationId, params.collection_name, entry.body as Json | undefined, wait);
      answer(200, { result, status: 'ok', time: 0.0001 }, op);
    } catch (error) {
      if (error instanceof HttpError) return fail(error.status, error.message, op);
      fail(500, String(error), op);
    }
  });

  function handle(operationId: string, name: string | undefined, body: Json | undefined, wait: boolean): unknown {
    const updated = () => ({ operation_id: version, status: wait ? 'completed' : 'acknowledged' });
    switch (operationId) {
      case 'collection_exists':
        return { exists: collections.has(name!) };
      case 'create_collection': {
        if (collections.has(name!)) throw new HttpError(409, `Wrong input: Collection \`${name}\` already exists!`);
        const vectors = body?.vectors as Json | undefined;
        if (typeof vectors?.size !== 'number') throw new HttpError(400, 'contract server emulates only one unnamed dense vector');
        collections.set(name!, { size: vectors.size, distance: String(vectors.distance), points: new Map(), indexes: new Map() });
        return true;
      }
      case 'delete_collection':
        return collections.delete(name!);
      case 'get_collection':
        return collectionInfo(need(name));
      case 'create_field_index': {
        const c = need(name);
        version++;
        c.indexes.set(String(body!.field_name), String(body!.field_schema ?? 'keyword'));
        return updated();
      }
      case 'upsert_points': {
        const c = need(name);
        if (!Array.isArray(body!.points)) throw new HttpError(400, 'contract server emulates only the points-list upsert');
        version++;
        for (const p of body!.points as Point[]) {
          if (!Array.isArray(p.vector) || p.vector.length !== c.size) {
            throw new HttpError(400, `Wrong input: Vector dimension error: expected dim: ${c.size}, got ${p.vector.length}`);
          }
          c.points.set(String(p.id), { id: p.id, vector: p.vector, payload: p.payload ?? {}, version });
        }
        return updated();
      }
      case 'delete_points': {
        const c = need(name);
        version++;
        for (const [key, p] of c.points) {
          const doomed = body!.filter !== undefined ? matches(body!.filter as Json, p) : (body!.points as unknown[]).map(String).includes(key);
          if (doomed) c.points.delete(key);
        }
        return updated();
      }
      case 'count_points': {
        const c = need(name);
        const filter = body?.filter as Json | undefined;
        return { count: [...c.points.values()].filter((p) => !filter || matches(filter, p)).length };
      }
      case 'query_points': {
        const c = need(name);
        const q = body?.query;
        if (!Array.isArray(q) || !q.every((x) => typeof x === 'number')) throw new HttpError(400, 'contract server emulates only dense vector queries');
        const filter = body?.filter as Json | undefined;
        const points = [...c.points.values()]
          .filter((p) => !filter || matches(filter, p))
          .map((p) => ({ p, score: cosine(q as number[], p.vector) }))
          .sort((a, b) => b.score - a.score || String(a.p.id).localeCompare(String(b.p.id)))
          .slice(0, typeof body?.limit === 'number' ? body.limit : 10);
        const withPayload = body?.with_payload === true;
        return { points: points.map(({ p, score }) => ({ id: p.id, version: p.version, score, ...(withPayload && { payload: p.payload }) })) };
      }
      default:
        throw new HttpError(400, `contract server does not emulate ${operationId}`);
    }
  }

  function need(name: string | undefined): Collection {
    const c = collections.get(name!);
    if (!c) throw new HttpError(404, `Not found: Collection \`${name}\` doesn't exist!`);
    return c;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    responseViolations,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function collectionInfo(c: Collection): Json {
  return {
    status: 'green',
    optimizer_status: 'ok',
    segments_count: 1,
    points_count: c.points.size,
    indexed_vectors_count: 0,
    payload_schema: Object.fromEntries(
      [...c.indexes].map(([field, type]) => [field, { data_type: type, points: [...c.points.values()].filter((p) => field in p.payload).length }]),
    ),
    config: {
      params: { vectors: { size: c.size, distance: c.distance }, shard_number: 1, replication_factor: 1, write_consistency_factor: 1, on_disk_payload: true },
      hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000 },
      optimizer_config: { default_segment_number: 0, flush_interval_sec: 5 },
    },
  };
}

/** Qdrant filter semantics for what the emulation supports: must/should/must_not, match.value/any, range, has_id. */
function matches(filter: Json, point: Point): boolean {
  const list = (v: unknown): Json[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]) as Json[];
  const should = list(filter.should);
  return (
    list(filter.must).every((c) => condition(c, point)) &&
    list(filter.must_not).every((c) => !condition(c, point)) &&
    (should.length === 0 || should.some((c) => condition(c, point)))
  );
}

function condition(c: Json, point: Point): boolean {
  if ('must' in c || 'should' in c || 'must_not' in c) return matches(c, point);
  if (Array.isArray(c.has_id)) return c.has_id.map(String).includes(String(point.id));
  if (typeof c.key !== 'string') throw new HttpError(400, `contract server does not emulate condition ${JSON.stringify(c)}`);
  const value = point.payload[c.key];
  const match = c.match as Json | undefined;
  const range = c.range as Record<string, number | null> | undefined;
  if (match && 'value' in match) return value === match.value;
  if (match && Array.isArray(match.any)) return match.any.includes(value);
  if (range) {
    if (typeof value !== 'number') return false;
    const { gt, gte, lt, lte } = range;
    return (gt == null || value > gt) && (gte == null || value >= gte) && (lt == null || value < lt) && (lte == null || value <= lte);
  }
  throw new HttpError(400, `contract server does not emulate condition ${JSON.stringify(c)}`);
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

function findOperation(operations: Operation[], method: string, path: string) {
  for (const op of operations) {
    if (op.method !== method) continue;
    const m = op.pattern.exec(path);
    if (m) return { op, params: Object.fromEntries(op.paramNames.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return undefined;
}

function checkQuery(op: Operation, search: URLSearchParams): string[] {
  const problems: string[] = [];
  for (const [name, raw] of search) {
    const param = op.query.get(name);
    if (!param) problems.push(`query parameter ${name} is not in the specification`);
    else if (!param.validate(coerce(raw))) problems.push(`query parameter ${name}=${raw}: ${describe(param.validate)}`);
  }
  for (const [name, param] of op.query) if (param.required && !search.has(name)) problems.push(`query parameter ${name} is required`);
  return problems;
}

// Query values are strings on the wire; the spec types them as booleans, integers or enums.
function coerce(raw: string): unknown {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
}

function describe(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`).join('; ');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Compiles the spec once per process: one matcher and validators per operation. */
function loadOperations(): Operation[] {
  if (operationsCache) return operationsCache;
  const spec = JSON.parse(readFileSync(QDRANT_OPENAPI_URL, 'utf8')) as {
    paths: Record<string, Record<string, Json>>;
    components: { schemas: Record<string, unknown> };
  };
  const ajv = new Ajv({ strict: false, allErrors: false });
  addFormats.default(ajv); // uuid, date-time, uri, int32/int64, float/double
  const uint = (max: number) => ({ type: 'number' as const, validate: (n: number) => Number.isInteger(n) && n >= 0 && n <= max });
  ajv.addFormat('uint', uint(2 ** 64));
  ajv.addFormat('uint64', uint(2 ** 64));
  ajv.addFormat('uint32', uint(2 ** 32 - 1));
  ajv.addFormat('uint8', uint(255));
  ajv.addFormat('partial-date-time', true);
  ajv.addSchema({ $id: SPEC_ID, components: { schemas: mapValues(spec.components.schemas, toJsonSchema) } });
  // Compiled on first use: compiling all ~100 operations up front costs seconds per test file.
  const compile = (schema: unknown): ValidateFunction => {
    let validate: ValidateFunction | undefined;
    const lazy = ((data: unknown) => {
      validate ??= ajv.compile(rebase(toJsonSchema(schema)) as object);
      const ok = validate(data) as boolean;
      lazy.errors = validate.errors;
      return ok;
    }) as ValidateFunction;
    return lazy;
  };

  const operations: Operation[] = [];
  for (const [template, methods] of Object.entries(spec.paths)) {
    const paramNames = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
    for (const [method, op] of Object.entries(methods)) {
      if (typeof op !== 'object' || op === null || !('operationId' in op)) continue;
      const bodySpec = (op.requestBody as Json | undefined) ?? undefined;
      const bodySchema = (bodySpec?.content as Record<string, Json> | undefined)?.['application/json']?.schema;
      const okSchema = ((op.responses as Record<string, Json>)['200']?.content as Record<string, Json> | undefined)?.['application/json']?.schema;
      const query = new Map<string, { validate: ValidateFunction; required: boolean }>();
      for (const p of (op.parameters as Json[] | undefined) ?? []) {
        if (p.in === 'query') query.set(String(p.name), { validate: compile(p.schema), required: p.required === true });
      }
      operations.push({
        operationId: String(op.operationId),
        method: method.toUpperCase(),
        pattern,
        paramNames,
        query,
        ...(bodySchema !== undefined && { body: { validate: compile(bodySchema), required: bodySpec?.required === true } }),
        ...(okSchema !== undefined && { response: compile(okSchema) }),
      });
    }
  }
  // Literal segments win over parameters: /points/delete before /points/{id}.
  operationsCache = operations.sort((a, b) => a.paramNames.length - b.paramNames.length);
  return operationsCache;
}

/**
 * OpenAPI 3.0 schema → JSON Schema: `nullable: true` becomes a `null` alternative. A bare `{ nullable: true }`, which
 * the spec uses as the "or null" branch of `anyOf` (Rust `Option<T>`), becomes `{ type: 'null' }`: read literally
 * (an unconstrained schema) it would make every optional field accept anything.
 */
function toJsonSchema(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) {
    if (key === 'nullable' || key === 'example') continue;
    if (key === 'properties' || key === 'patternProperties') out[key] = mapValues(value as Record<string, unknown>, toJsonSchema);
    else if (key === 'items' || key === 'additionalProperties' || key === 'not') out[key] = toJsonSchema(value);
    else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf') out[key] = (value as unknown[]).map(toJsonSchema);
    else out[key] = value;
  }
  if ((schema as Json).nullable !== true) return out;
  const { description, default: _default, deprecated, title, ...rest } = out;
  const notes = { ...(description !== undefined && { description }), ...(title !== undefined && { title }) };
  if (typeof rest.type === 'string') {
    return { ...out, type: [rest.type, 'null'], ...(Array.isArray(rest.enum) && { enum: [...rest.enum, null] }) };
  }
  if (Object.keys(rest).length === 0) return { ...notes, type: 'null' };
  return { ...notes, anyOf: [rest, { type: 'null' }] };
}

// Local `#/components/...` references point into the spec document registered as SPEC_ID.
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema as Json).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${SPEC_ID}${v}` : rebase(v)]),
  );
}

function mapValues(record: Record<string, unknown>, f: (v: unknown) => unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}
