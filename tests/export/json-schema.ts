// A small JSON Schema (draft-04) validator for the keywords the Frictionless profiles use: type,
// required, properties, items, enum, pattern, minItems, minLength, uniqueItems, anyOf, oneOf.
// (No validator is installed; the profile itself is vendored from the `datapackage` npm package.)
// Unknown keywords are ignored, so the test also checks that the profile uses no other keyword.
type Schema = Record<string, unknown>;

export const SUPPORTED = new Set([
  '$schema',
  'title',
  'description',
  'context',
  'examples',
  'propertyOrder',
  'options',
  'format',
  'default',
  'notes',
  'hidden',
  'type',
  'required',
  'properties',
  'items',
  'enum',
  'pattern',
  'minItems',
  'minLength',
  'uniqueItems',
  'anyOf',
  'oneOf',
]);

const typeOk = (t: string, v: unknown): boolean =>
  t === 'array'
    ? Array.isArray(v)
    : t === 'object'
      ? typeof v === 'object' && v !== null && !Array.isArray(v)
      : t === 'integer'
        ? Number.isInteger(v)
        : t === 'null'
          ? v === null
          : typeof v === t;

export function validate(schema: Schema, v: unknown, at = '$'): string[] {
  const errs: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => typeOk(t, v))) return [`${at}: expected ${types.join('|')}`];
  }
  if (schema.enum && !(schema.enum as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(v)))
    errs.push(`${at}: not one of ${JSON.stringify(schema.enum)}`);
  if (typeof v === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern as string, 'u').test(v))
      errs.push(`${at}: does not match ${schema.pattern}`);
    if (typeof schema.minLength === 'number' && v.length < schema.minLength) errs.push(`${at}: too short`);
  }
  if (Array.isArray(v)) {
    if (typeof schema.minItems === 'number' && v.length < schema.minItems)
      errs.push(`${at}: fewer than ${schema.minItems} items`);
    if (schema.uniqueItems && new Set(v.map((x) => JSON.stringify(x))).size !== v.length)
      errs.push(`${at}: items not unique`);
    if (schema.items) v.forEach((x, i) => errs.push(...validate(schema.items as Schema, x, `${at}[${i}]`)));
  }
  if (typeOk('object', v)) {
    const o = v as Record<string, unknown>;
    for (const k of (schema.required as string[] | undefined) ?? []) if (!(k in o)) errs.push(`${at}: missing ${k}`);
    for (const [k, s] of Object.entries((schema.properties as Record<string, Schema>) ?? {}))
      if (k in o) errs.push(...validate(s, o[k], `${at}.${k}`));
  }
  if (schema.anyOf && !(schema.anyOf as Schema[]).some((s) => validate(s, v, at).length === 0))
    errs.push(`${at}: matches none of anyOf`);
  if (schema.oneOf) {
    const n = (schema.oneOf as Schema[]).filter((s) => validate(s, v, at).length === 0).length;
    if (n !== 1) errs.push(`${at}: matches ${n} of oneOf (exactly one required)`);
  }
  return errs;
}

/** Every keyword a schema uses (to prove the validator covers the profile). */
export function keywords(s: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(s)) for (const x of s) keywords(x, out);
  else if (s && typeof s === 'object') {
    for (const [k, v] of Object.entries(s)) {
      out.add(k);
      if (k === 'properties') for (const p of Object.values(v as object)) keywords(p, out);
      else if (k !== 'examples' && k !== 'enum') keywords(v, out);
    }
  }
  return out;
}
