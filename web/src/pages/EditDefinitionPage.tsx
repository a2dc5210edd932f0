import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api } from '../api/client.js';
import type { ProcessDefinition } from '../api/types.js';
import { QueryError } from '../components/Status.js';
import { locateField, syntaxErrors, type TextSpot } from '../lib/json-locate.js';
import { NotFoundPage } from './NotFoundPage.js';

const TEMPLATE: ProcessDefinition = {
  process_definition_name: 'my-process',
  process_description: 'What it does',
  task_definitions: [
    {
      task_definition_name: 'hello',
      dependencies: [],
      executable: { shell_script_command: { script: 'echo hello' } },
      max_attempts: 1,
      backoff_base_seconds: 0,
    },
  ],
};

interface Problem {
  field: string;
  problem: string;
  spot: TextSpot | undefined;
}

/** Create or change a definition as JSON; the API's problems shown at the lines of the fields they name. */
export function EditDefinitionPage() {
  const name = useParams().name;
  const existing = useQuery({
    queryKey: ['definition', name],
    queryFn: () => api.definition(name!),
    enabled: name !== undefined,
    refetchInterval: false,
  });
  const initial = name ? existing.data : TEMPLATE;
  if (existing.error instanceof ApiError && existing.error.notFound)
    return <NotFoundPage what={`process definition named “${name}”`} />;
  if (existing.error) return <QueryError error={existing.error} />;
  if (!initial) return <p className="muted">Loading…</p>;
  return <Editor name={name} initial={initial} />;
}

function Editor({ name, initial }: { name: string | undefined; initial: ProcessDefinition }) {
  const [text, setText] = useState(() => JSON.stringify(initial, null, 2));
  const [problems, setProblems] = useState<Problem[]>([]);
  const [saving, setSaving] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [scrollTop, setScrollTop] = useState(0);

  const save = async () => {
    const syntax = syntaxErrors(text);
    if (syntax.length > 0) return setProblems(syntax.map((s) => ({ field: 'body', ...s })));
    setSaving(true);
    try {
      const saved = await api.putDefinition(JSON.parse(text) as ProcessDefinition);
      await queries.invalidateQueries();
      navigate(`/definitions/${encodeURIComponent(saved.process_definition_name)}`);
    } catch (e) {
      const err = e as ApiError;
      const listed = err.problems?.length ? err.problems : [{ field: 'body', problem: err.message }];
      setProblems(listed.map((p) => ({ ...p, spot: locateField(text, p.field) })));
    } finally {
      setSaving(false);
    }
  };
  const show = (spot: TextSpot | undefined) => {
    const el = area.current;
    if (!el || !spot) return;
    el.focus();
    el.setSelectionRange(spot.offset, spot.offset + spot.length);
  };
  const lines = text.split('\n').length;
  const byLine = new Map<number, Problem[]>();
  for (const p of problems) if (p.spot) byLine.set(p.spot.line, [...(byLine.get(p.spot.line) ?? []), p]);

  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/">Definitions</Link> /{' '}
        {name ? <Link to={`/definitions/${encodeURIComponent(name)}`}>{name}</Link> : <span>new</span>} /{' '}
        <span>edit</span>
      </nav>
      <h1>{name ? `Edit ${name}` : 'New process definition'}</h1>
      <p className="muted">
        The definition as JSON, in the API's own shape. Saving stores it under its{' '}
        <code>process_definition_name</code>.
      </p>
      <div className="editor">
        <div className="editor-gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lines }, (_, i) => {
            const here = byLine.get(i + 1);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a line number is its own identity
              <div key={i} className={here ? 'gutter-line has-problem' : 'gutter-line'}>
                {i + 1}
              </div>
            );
          })}
        </div>
        <textarea
          ref={area}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
            setScrollTop(e.currentTarget.scrollTop);
          }}
          spellCheck={false}
          aria-label="Definition JSON"
          aria-invalid={problems.length > 0}
          aria-describedby="problems"
          rows={Math.min(40, Math.max(12, lines + 1))}
          wrap="off"
        />
        <div className="editor-notes" aria-hidden="true">
          {[...byLine].map(([line, here]) => (
            <div
              key={line}
              className="editor-note"
              style={{ top: `calc(${line - 1} * var(--editor-line) - ${scrollTop}px + var(--editor-pad))` }}
            >
              {here.map((p) => p.problem).join('; ')}
            </div>
          ))}
        </div>
      </div>
      <ul id="problems" className="problems" aria-live="polite">
        {problems.map((p) => (
          <li key={`${p.field}\u0000${p.problem}`} className="problem">
            <button type="button" className="link" onClick={() => show(p.spot)} disabled={!p.spot}>
              {p.spot ? `line ${p.spot.line}` : 'anywhere'}
            </button>{' '}
            <code className="problem-field">{p.field}</code>:{' '}
            <span className="problem-text">{p.problem}</span>
          </li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" className="primary" onClick={save} disabled={saving}>
          Save
        </button>
        <Link to={name ? `/definitions/${encodeURIComponent(name)}` : '/'} className="button">
          Cancel
        </Link>
      </div>
    </>
  );
}
