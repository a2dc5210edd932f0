/** One problem with a request, naming the offending field by its JSON path. */
export interface FieldProblem {
  /** e.g. `task_definitions[1].dependencies[0].task_definition_name`; empty for the whole body. */
  field: string;
  problem: string;
}

/**
 * A rejected input. The API turns it into a 400 whose `message` names the
 * first field and problem, with every problem listed in `errors`.
 *
 * @example
 * throw new ValidationError([{ field: 'overlap_action', problem: "must be one of wait, terminate (got 'x')" }]);
 */
export class ValidationError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map(formatProblem).join('; '));
    this.name = 'ValidationError';
  }
}

export function formatProblem(p: FieldProblem): string {
  return p.field ? `${p.field}: ${p.problem}` : p.problem;
}

/** `/task_definitions/0/executable` → `task_definitions[0].executable` */
export function jsonPointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

export function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}
