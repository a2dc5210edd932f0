import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { type FieldProblem, joinPath, jsonPointerToPath } from '../validation-error.js';
import { definitionSchemas } from './models.js';

let instance: Ajv | undefined;

/** Made at the first check, not when the API loads: adding the models costs a tenth of a second of start-up. */
function ajv(): Ajv {
  if (instance) return instance;
  instance = new Ajv({ allErrors: true, verbose: true });
  // ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
  const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
  addFormats(instance, ['uuid', 'date-time', 'email']);
  instance.addKeyword({ keyword: 'x-union', schemaType: 'array' });
  instance.addKeyword({ keyword: 'components' }); // the OpenAPI container our refs point into
  instance.addSchema({ $id: 'sundial', components: { schemas: definitionSchemas } });
  return instance;
}

const compiled = new Map<string, ValidateFunction>();

/**
 * Checks a JSON value against one of the wire models and returns its problems
 * in plain words (empty when valid).
 *
 * @example
 * checkModel('process_definition', JSON.parse(body)); // [{ field: 'task_definitions', problem: 'is required' }]
 */
export function checkModel(modelName: string, value: unknown): FieldProblem[] {
  let validate = compiled.get(modelName);
  if (!validate) {
    validate = ajv().compile({ $ref: `sundial#/components/schemas/${modelName}` });
    compiled.set(modelName, validate);
  }
  if (validate(value)) return [];
  return problemsFromAjv(validate.errors ?? []);
}

/** Ajv errors as plain-worded problems, `prefix` naming where the value came from (e.g. `query`). */
export function problemsFromAjv(errors: readonly ErrorObject[], prefix = ''): FieldProblem[] {
  return dedupe(
    errors.filter(isUseful).map((e) => {
      const p = describe(e);
      return { ...p, field: prefix ? joinPath(prefix, p.field) : p.field };
    }),
  );
}

// Ajv reports a failed `$ref` wrapper and its cause; keep only the causes users can act on.
function isUseful(e: ErrorObject): boolean {
  return e.keyword !== 'if' && e.keyword !== '$ref';
}

function describe(e: ErrorObject): FieldProblem {
  const at = jsonPointerToPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { field: joinPath(at, String(params.missingProperty)), problem: 'is required' };
    case 'additionalProperties': {
      const parent = e.parentSchema as { properties?: object; 'x-union'?: string[] } | undefined;
      const allowed = Object.keys(parent?.properties ?? {}).join(', ');
      const what = parent?.['x-union'] ? 'unknown type' : 'unknown field';
      return {
        field: joinPath(at, String(params.additionalProperty)),
        problem: `${what} (expected one of: ${allowed})`,
      };
    }
    case 'minProperties':
    case 'maxProperties': {
      const members = (e.parentSchema as { 'x-union'?: string[] } | undefined)?.['x-union'] ?? [];
      return { field: at, problem: `must contain exactly one of: ${members.join(', ')}` };
    }
    case 'enum':
      return {
        field: at,
        problem: `must be one of ${(params.allowedValues as string[]).join(', ')} (got ${JSON.stringify(e.data)})`,
      };
    case 'type':
      return {
        field: at,
        problem: `must be ${article(String(params.type))} (got ${JSON.stringify(e.data)})`,
      };
    case 'format':
      return {
        field: at,
        problem: `must be a valid ${String(params.format)} (got ${JSON.stringify(e.data)})`,
      };
    case 'pattern':
      return { field: at, problem: `has an invalid format (got ${JSON.stringify(e.data)})` };
    default:
      return { field: at, problem: e.message ?? 'is invalid' };
  }
}

function article(type: string): string {
  return type === 'integer' || type === 'array' || type === 'object' ? `an ${type}` : `a ${type}`;
}

function dedupe(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.field}\u0000${p.problem}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
