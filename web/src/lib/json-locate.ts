import { findNodeAtLocation, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';

/** Where in the text a problem is: 1-based line, and the character range to select. */
export interface TextSpot {
  line: number;
  offset: number;
  length: number;
}

/** `task_definitions[1].dependencies[0].task_definition_name` → ['task_definitions', 1, 'dependencies', 0, …]. */
function fieldPath(field: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g))
    path.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return path;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Where the field an API error names is in the JSON text: the field itself,
 * or its nearest parent present (a missing field is reported where it belongs).
 *
 * @example
 * locateField('{\n  "a": [1]\n}', 'a[0]') // { line: 2, … }
 */
export function locateField(text: string, field: string): TextSpot | undefined {
  const root = parseTree(text);
  if (!root) return undefined;
  const path = field === 'body' ? [] : fieldPath(field);
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(root, path.slice(0, n));
    // Point at the property's key when there is one: that is where a reader looks.
    const at = node?.parent?.type === 'property' ? node.parent : node;
    if (at) return { line: lineOf(text, at.offset), offset: at.offset, length: at.length };
  }
  return undefined;
}

/** JSON syntax errors, each with its position, before anything is sent. */
export function syntaxErrors(text: string): { problem: string; spot: TextSpot }[] {
  const errors: ParseError[] = [];
  parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  return errors.map((e) => ({
    problem: `JSON syntax: ${printParseErrorCode(e.error)}`,
    spot: { line: lineOf(text, e.offset), offset: e.offset, length: e.length },
  }));
}
