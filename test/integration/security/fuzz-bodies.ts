import { openApiDocument } from '../../../src/api/openapi.js';
import type { JsonSchema } from '../../../src/domain/schema/json-schema.js';

const schemas = (openApiDocument().components as { schemas: Record<string, JsonSchema> }).schemas;

/** A small seeded PRNG (mulberry32), so a failure can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_STRINGS = [
  '',
  'x'.repeat(100_000),
  'a\u0000b',
  '\ud800',
  'tail\udfff',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  "'; drop table tasks; --",
  '$(reboot)',
  '🌞',
  '%00',
  '\u202e',
];
const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'];
const WRONG_TYPES: unknown[] = [null, true, -1, 1e308, 0.5, 'str', [], {}, [[[]]], -0];

/**
 * Bodies built from a wire model's JSON Schema (a valid-looking value) and
 * then damaged: wrong types, hostile strings, deep nesting, prototype-pollution
 * keys, missing and extra fields.
 *
 * @example
 * const next = bodyFuzzer('process_definition', prng(1));
 * next(); // one hostile body
 */
export function bodyFuzzer(model: string, random: () => number): () => unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const sample = (schema: JsonSchema, depth: number): unknown => {
    if (schema.$ref) return sample(schemas[String(schema.$ref).split('/').pop()!]!, depth + 1);
    if (depth > 8) return undefined;
    if (Array.isArray(schema.enum)) return pick(schema.enum);
    switch (schema.type) {
      case 'object': {
        const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
        const union = schema['x-union'] as string[] | undefined;
        const keys = union
          ? [pick(union)]
          : Object.keys(props).filter(
              (k) => ((schema.required as string[]) ?? []).includes(k) || random() < 0.5,
            );
        return Object.fromEntries(keys.map((k) => [k, sample(props[k]!, depth + 1)]));
      }
      case 'array':
        return Array.from({ length: Math.floor(random() * 3) }, () =>
          sample(schema.items as JsonSchema, depth + 1),
        );
      case 'integer':
        return Math.floor(random() * 10) + 1;
      case 'number':
        return random() * 10;
      case 'boolean':
        return random() < 0.5;
      default:
        return schema.format === 'date-time'
          ? new Date().toISOString()
          : schema.format === 'uuid'
            ? crypto.randomUUID()
            : `v${Math.floor(random() * 1000)}`;
    }
  };
  const damage = (value: unknown, depth = 0): unknown => {
    const r = random();
    if (depth > 0 && r < 0.15) return pick(WRONG_TYPES);
    if (typeof value === 'string' && r < 0.5) return pick(HOSTILE_STRINGS);
    if (Array.isArray(value)) {
      if (r < 0.1) return deep(200 + Math.floor(random() * 5000));
      return value.map((v) => damage(v, depth + 1));
    }
    if (value && typeof value === 'object') {
      const entries = Object.entries(value)
        .filter(() => random() > 0.1)
        .map(([k, v]) => [k, damage(v, depth + 1)]);
      if (r < 0.15) entries.push([pick(POLLUTION_KEYS), { polluted: true }]);
      if (r > 0.9) entries.push([pick(HOSTILE_STRINGS).slice(0, 50), pick(WRONG_TYPES)]);
      return Object.fromEntries(entries);
    }
    return value;
  };
  return () => {
    const r = random();
    const base = sample(
      model.endsWith('[]')
        ? { type: 'array', items: { $ref: `#/${model.slice(0, -2)}` } }
        : { $ref: `#/${model}` },
      0,
    );
    if (r < 0.05) return pick(WRONG_TYPES);
    if (r < 0.08) return deep(100_000);
    return damage(base);
  };
}

/** `[[[…]]]` as a value; JSON.stringify cannot go that deep, so the caller sends it as text. */
function deep(levels: number): { deep: number } {
  return { deep: levels };
}

/** The request body text: JSON, with `{deep: n}` markers expanded to n nested arrays. */
export function bodyText(body: unknown): string {
  return JSON.stringify(body).replace(
    /\{"deep":(\d+)\}/g,
    (_, n: string) => `${'['.repeat(Number(n))}${']'.repeat(Number(n))}`,
  );
}
