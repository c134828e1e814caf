import { createHash } from 'node:crypto';

/**
 * Namespace of inlet's chunk point ids: a random v4 UUID fixed once for this project (generated with
 * `crypto.randomUUID()`). Changing it gives every chunk a new point id, which orphans every stored point:
 * only change it together with a fresh collection and a full re-ingest.
 */
export const QDRANT_POINT_NAMESPACE = '0f425019-b93d-4140-b236-d8c6d2d55a41';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** RFC 9562 §5.5 name-based UUID (SHA-1, version 5) of `name` (UTF-8) in `namespace`. */
export function uuidV5(name: string, namespace: string): string {
  if (!UUID_PATTERN.test(namespace)) throw new TypeError(`namespace must be a UUID, got ${JSON.stringify(namespace)}`);
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The Qdrant point id of a chunk as written by the change with `version`: Qdrant accepts only unsigned integers or
 * UUIDs as ids (OpenAPI `ExtendedPointId`), so `<chunkId>@<version>` becomes a deterministic v5 UUID. The version is
 * part of the id so a stale write never overwrites the points of a newer one: each version's points can be told apart
 * and removed on their own (see `QdrantVectorStore`). Re-applying one change overwrites its own points in place.
 */
export function qdrantPointId(chunkId: string, version: number): string {
  return uuidV5(`${chunkId}@${version}`, QDRANT_POINT_NAMESPACE);
}
