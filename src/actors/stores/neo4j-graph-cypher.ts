// Cypher for Neo4jGraphStore. Model:
//   (:Source {name, kind})-[:CONTAINS]->(:Document {id, source, path, url, title, content_hash, updated_at})
//   (:Document)-[:HAS_CHUNK]->(:Chunk {id, index, heading, text, title})   title: the document's, for full-text search
//   (:Document)-[:LINKS_TO {position}]->(:Document)   (:Document)-[:CHILD_OF]->(:Document)
// A link or parent whose target is not ingested points at a placeholder `(:Document:Pending {id})`; reads skip
// `:Pending`, and the placeholder becomes the real document when it is upserted (same node, MERGE on id).
// Every write sets or deletes only what differs, so re-applying an event leaves the graph as it was.
// Ordering (issue 11): `(:DocumentVersion {id, version, deleted})`, one per document ever written, holds the version of
// the last change applied (a tombstone when `deleted`); every write passes FENCE first, in the same transaction.
// Tombstones are kept for good: dropping one would let an older upsert still queued (a retry in backoff, a lease about
// to be reaped) resurrect the document. Known limit: one small node per deleted document.

/** Uniqueness constraints; `IF NOT EXISTS` makes `init()` idempotent. */
export const CONSTRAINTS = [
  'CREATE CONSTRAINT inlet_document_id IF NOT EXISTS FOR (d:Document) REQUIRE d.id IS UNIQUE',
  'CREATE CONSTRAINT inlet_chunk_id IF NOT EXISTS FOR (c:Chunk) REQUIRE c.id IS UNIQUE',
  'CREATE CONSTRAINT inlet_source_name IF NOT EXISTS FOR (s:Source) REQUIRE s.name IS UNIQUE',
  'CREATE CONSTRAINT inlet_document_version_id IF NOT EXISTS FOR (v:DocumentVersion) REQUIRE v.id IS UNIQUE',
  // Lucene's standard analyzer keeps `queue.lease_seconds` and `ERR_CODE_42` whole (Unicode word breaks); issue 15.
  'CREATE FULLTEXT INDEX inlet_chunk_text IF NOT EXISTS FOR (c:Chunk) ON EACH [c.text, c.heading, c.title]',
];

/**
 * $writes: [{id, version (Integer), deleted}], distinct ids (sorted, so concurrent batches lock in one order). Per row:
 * takes the write lock on the document's version node, then raises it when the write's version is at least the stored
 * one (no node: never written, or written before versions, i.e. version 0). Returns each id with `fresh`: may it apply.
 * The dummy SET takes the lock before the read; without it two transactions could both read the old version and both
 * pass (Neo4j reads are read-committed; "lost updates" in
 * https://neo4j.com/docs/operations-manual/current/database-internals/concurrent-data-access/). The MERGE is safe
 * under concurrency thanks to the uniqueness constraint on DocumentVersion.id.
 */
export const FENCE = `
  UNWIND $writes AS w
  MERGE (v:DocumentVersion {id: w.id})
  SET v._lock = true
  REMOVE v._lock
  WITH v, w, (v.version IS NULL OR w.version >= v.version) AS fresh
  SET v.version = CASE WHEN fresh THEN w.version ELSE v.version END,
      v.deleted = CASE WHEN fresh THEN w.deleted ELSE v.deleted END
  RETURN w.id AS id, fresh`;

/** $ids: the applied version of each id that has a version node or is an ingested document (then version 0). */
export const APPLIED_VERSIONS = `
  UNWIND $ids AS id
  OPTIONAL MATCH (v:DocumentVersion {id: id})
  OPTIONAL MATCH (d:Document {id: id}) WHERE NOT d:Pending
  WITH id, v, d WHERE v IS NOT NULL OR d IS NOT NULL
  RETURN id, coalesce(v.version, 0) AS version, coalesce(v.deleted, false) AS deleted`;

// Deletes `:Pending` placeholders in $candidates that nothing points at any more. Expects `candidates` in scope.
const DROP_ORPHAN_PLACEHOLDERS = `
  CALL (candidates) {
    UNWIND candidates AS p
    WITH DISTINCT p WHERE p:Pending AND NOT EXISTS { ()-[:LINKS_TO|CHILD_OF]->(p) }
    DELETE p
  }`;

// Writes take a whole batch of documents with distinct ids (the store splits a batch where an id repeats), so a
// batch costs a few statements instead of a few per document. Cypher applies each clause to all rows before the next
// (https://neo4j.com/docs/cypher-manual/current/clauses/clause-composition/), hence edges are removed for every
// document, then orphaned placeholders dropped once for all, then new edges merged: the same graph as one by one.

/**
 * $docs: [{id, source, path, url, title, contentHash, updatedAt, parentId, kind, metadata}], url, parentId, kind and
 * metadata (a JSON object as text: properties cannot hold maps) may be null.
 * Merges each document (turning a placeholder into it), its source, and one CHILD_OF edge, to a placeholder when
 * the parent is not ingested yet.
 */
export const UPSERT_DOCUMENTS = `
  UNWIND $docs AS doc
  MERGE (d:Document {id: doc.id})
  REMOVE d:Pending
  SET d.source = doc.source, d.path = doc.path, d.url = doc.url, d.title = doc.title,
      d.content_hash = doc.contentHash, d.updated_at = doc.updatedAt, d.metadata = doc.metadata
  MERGE (s:Source {name: doc.source})
  SET s.kind = coalesce(doc.kind, s.kind)
  MERGE (s)-[:CONTAINS]->(d)
  WITH d, s, doc
  CALL (d, s) {
    MATCH (other:Source)-[moved:CONTAINS]->(d) WHERE other <> s
    DELETE moved
  }
  WITH d, doc
  OPTIONAL MATCH (d)-[old:CHILD_OF]->(p) WHERE p.id <> doc.parentId OR doc.parentId IS NULL
  DELETE old
  WITH collect(p) AS candidates
  ${DROP_ORPHAN_PLACEHOLDERS}
  UNWIND $docs AS doc
  WITH doc WHERE doc.parentId IS NOT NULL
  MATCH (d:Document {id: doc.id})
  MERGE (parent:Document {id: doc.parentId}) ON CREATE SET parent:Pending
  MERGE (d)-[:CHILD_OF]->(parent)`;

/** $docs: [{id, title, chunks: [{id, index, heading, text}]}]. Chunks not in a document's list are removed. */
export const REPLACE_CHUNKS = `
  UNWIND $docs AS doc
  MATCH (d:Document {id: doc.id})
  OPTIONAL MATCH (d)-[:HAS_CHUNK]->(stale:Chunk) WHERE NOT stale.id IN [c IN doc.chunks | c.id]
  DETACH DELETE stale
  WITH DISTINCT d, doc
  UNWIND doc.chunks AS c
  MERGE (k:Chunk {id: c.id})
  SET k.index = c.index, k.heading = c.heading, k.text = c.text, k.title = doc.title
  MERGE (d)-[:HAS_CHUNK]->(k)`;

/** $docs: [{id, links}], links: target ids, distinct, in written order. Targets not ingested get a placeholder. */
export const REPLACE_LINKS = `
  UNWIND $docs AS doc
  MATCH (d:Document {id: doc.id})
  OPTIONAL MATCH (d)-[old:LINKS_TO]->(t) WHERE NOT t.id IN doc.links
  DELETE old
  WITH collect(t) AS candidates
  ${DROP_ORPHAN_PLACEHOLDERS}
  UNWIND $docs AS doc
  MATCH (d:Document {id: doc.id})
  UNWIND range(0, size(doc.links) - 1) AS position
  MERGE (target:Document {id: doc.links[position]}) ON CREATE SET target:Pending
  MERGE (d)-[link:LINKS_TO]->(target)
  SET link.position = position`;

/**
 * $ids: removes each document, its chunks and its outgoing edges. When other documents still link to one (or name it
 * as parent), it stays as a bare placeholder so those edges survive until it returns, as in the embedded store.
 */
export const DELETE_DOCUMENTS = `
  UNWIND $ids AS id
  MATCH (d:Document {id: id}) WHERE NOT d:Pending
  OPTIONAL MATCH (d)-[:HAS_CHUNK]->(c:Chunk)
  DETACH DELETE c
  WITH DISTINCT d
  OPTIONAL MATCH (d)-[out:LINKS_TO|CHILD_OF]->(t)
  DELETE out
  WITH collect(DISTINCT d) AS deleted, collect(t) AS candidates
  ${DROP_ORPHAN_PLACEHOLDERS}
  UNWIND deleted AS d
  OPTIONAL MATCH (:Source)-[contains:CONTAINS]->(d)
  DELETE contains
  WITH DISTINCT d
  SET d = {id: d.id}, d:Pending
  WITH d WHERE NOT EXISTS { ()-[:LINKS_TO|CHILD_OF]->(d) }
  DELETE d`;

/** $id: the ingested document with its parent id, chunks (by index) and link targets (in written order). */
export const GET_DOCUMENT = `
  MATCH (d:Document {id: $id}) WHERE NOT d:Pending
  RETURN d {.*} AS doc,
    COLLECT { MATCH (d)-[:CHILD_OF]->(p:Document) RETURN p.id } AS parents,
    COLLECT { MATCH (d)-[:HAS_CHUNK]->(c:Chunk) RETURN c {.*} ORDER BY c.index } AS chunks,
    COLLECT { MATCH (d)-[l:LINKS_TO]->(t:Document) RETURN t.id ORDER BY l.position } AS links`;

/** $id: ingested documents it links to (written order) and ingested documents linking to it (by title, id). */
export const NEIGHBOURS = `
  MATCH (d:Document {id: $id})
  RETURN
    COLLECT {
      MATCH (d)-[l:LINKS_TO]->(t:Document) WHERE NOT t:Pending
      RETURN t {.id, .title, .path, .url} ORDER BY l.position
    } AS linksTo,
    COLLECT {
      MATCH (f:Document)-[:LINKS_TO]->(d) WHERE NOT f:Pending
      RETURN f {.id, .title, .path, .url} ORDER BY f.title, f.id
    } AS linkedFrom`;

/** Ingested documents, placeholders excluded. */
export const COUNT_DOCUMENTS = 'MATCH (d:Document) WHERE NOT d:Pending RETURN count(d) AS n';

/**
 * $query (Lucene syntax, escaped by `toLuceneQuery`), $source and $pathPrefix (or null), $limit (Integer): the chunks of ingested documents
 * best matching the query in the `inlet_chunk_text` full-text index, best first. The ORDER BY (a tie-break on chunk id,
 * so equal scores answer the same way every time) makes Cypher read every hit before the LIMIT: a query of common words
 * costs one pass over the chunks that hold them.
 */
export const SEARCH_CHUNK_TEXT = `
  CALL db.index.fulltext.queryNodes('inlet_chunk_text', $query) YIELD node, score
  MATCH (d:Document)-[:HAS_CHUNK]->(node)
  WHERE NOT d:Pending AND ($source IS NULL OR d.source = $source) AND ($pathPrefix IS NULL OR d.path STARTS WITH $pathPrefix)
  RETURN node.id AS chunkId, d.id AS docId, node.index AS chunkIndex, node.heading AS heading, node.text AS text,
    d {.source, .path, .url, .title, .metadata} AS doc, score
  ORDER BY score DESC, chunkId
  LIMIT $limit`;
