/**
 * Tiny builders for the JSON Schemas that both validate requests (Ajv) and
 * document them (OpenAPI). Unions follow apibuilder's wire form: an object
 * with exactly one key naming the member type.
 */
export type JsonSchema = Record<string, unknown>;

export const str = (description?: string): JsonSchema => ({
  type: 'string',
  ...(description && { description }),
});
export const nonEmptyStr = (description?: string): JsonSchema => ({ ...str(description), minLength: 1 });
export const int = (minimum?: number): JsonSchema => ({
  type: 'integer',
  ...(minimum !== undefined && { minimum }),
});
export const num = (minimum?: number): JsonSchema => ({
  type: 'number',
  ...(minimum !== undefined && { minimum }),
});
export const bool = (): JsonSchema => ({ type: 'boolean' });
export const arr = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
export const enumOf = (values: readonly string[]): JsonSchema => ({ type: 'string', enum: [...values] });
export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** An object model: `required` lists fields a client must send. */
export function model(properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  return { type: 'object', properties, required, additionalProperties: false };
}

/** An apibuilder union: `{ "<member>": <value> }` with exactly one member. */
export function union(members: Record<string, JsonSchema>): JsonSchema {
  return {
    type: 'object',
    properties: members,
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    'x-union': Object.keys(members),
  };
}
