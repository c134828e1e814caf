import type { z } from 'zod';
import { closestKey } from './closest-key.ts';

/** One problem of a config: the key path it concerns and what is wrong there. */
export interface ConfigProblem {
  path: PropertyKey[];
  message: string;
}

/**
 * The problems zod found in `input` of `schema`, one per key: a strict object's `unrecognized_keys` issue lists every
 * unknown key at once, and each becomes `path.key: unknown key (did you mean <closest valid key>?)`.
 */
export function explainIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  return issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code !== 'unrecognized_keys') return [{ path: issue.path, message: issue.message }];
    const known = keysAt(schema as unknown as Walkable, issue.path);
    return issue.keys.map((key) => {
      const near = closestKey(key, known);
      return { path: [...issue.path, key], message: near ? `unknown key (did you mean ${near}?)` : 'unknown key' };
    });
  });
}

/** `a.b.c: message`, or `(root): message` for the file as a whole. */
export function formatProblem(problem: ConfigProblem): string {
  return `${problem.path.map(String).join('.') || '(root)'}: ${problem.message}`;
}

/** The part of a zod schema's definition the walk reads. */
interface Walkable {
  _zod: {
    def: { type: string; shape?: Record<string, Walkable>; valueType?: Walkable; element?: Walkable; innerType?: Walkable; in?: Walkable; out?: Walkable };
  };
}

/** The keys the object schema at `path` accepts (through defaults, records, lists and transforms); [] when not an object. */
function keysAt(schema: Walkable, path: readonly PropertyKey[]): string[] {
  let node: Walkable | undefined = unwrap(schema);
  for (const step of path) {
    const def: Walkable['_zod']['def'] | undefined = node?._zod.def;
    if (def?.type === 'object') node = def.shape?.[String(step)];
    else if (def?.type === 'record') node = def.valueType;
    else if (def?.type === 'array') node = def.element;
    else return [];
    node = node && unwrap(node);
  }
  const def = node?._zod.def;
  return def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
}

function unwrap(schema: Walkable): Walkable {
  let node = schema;
  for (;;) {
    const def = node._zod.def;
    // A transform's pipe validates with its `in` side; a preprocess's with its `out` side.
    if (def.type === 'pipe' && def.in && def.out) node = def.in._zod.def.type === 'transform' ? def.out : def.in;
    else if (def.innerType) node = def.innerType;
    else return node;
  }
}
