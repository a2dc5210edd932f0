import { readFileSync } from 'node:fs';
import { type WireProcess, type WireTask, waitFor } from '../helpers/harness.js';
import { type LogRecord, ServerProcess } from '../helpers/server-process.js';
import { freshDatabase } from '../helpers/test-database.js';

export const becameLeader = (r: LogRecord) => r.msg === 'became scheduler leader';

/**
 * Several `sundial server` processes on one fresh PostgreSQL database, as
 * behind a load balancer, for tests that kill, freeze and resume them.
 *
 * @example
 * const cluster = await Cluster.start(3, ['--lease-seconds', '3']);
 * const leader = await cluster.leader();
 * leader.signalGroup('SIGKILL');
 * await cluster.close();
 */
export class Cluster {
  readonly replicas: ServerProcess[] = [];

  private constructor(
    readonly databaseUrl: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly drop: () => Promise<void>,
  ) {}

  /** Starts `count` replicas with the same arguments and environment (e.g. an AWS endpoint); the first leads. */
  static async start(count: number, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Cluster> {
    const db = await freshDatabase();
    const cluster = new Cluster(db.options.databaseUrl!, args, env, db.drop);
    await cluster.add();
    await cluster.replicas[0]!.waitForLog(becameLeader);
    for (let i = 1; i < count; i++) await cluster.add();
    return cluster;
  }

  /** Starts one more replica. */
  async add(): Promise<ServerProcess> {
    const server = await ServerProcess.start(['--database-url', this.databaseUrl, ...this.args], this.env);
    this.replicas.push(server);
    return server;
  }

  get alive(): ServerProcess[] {
    return this.replicas.filter((r) => r.alive);
  }

  /** The live replica that leads now (the one whose last leadership news is a win). */
  leader(timeoutMs = 30_000): Promise<ServerProcess> {
    return waitFor(async () => this.alive.find((r) => leads(r)), timeoutMs);
  }

  async close(): Promise<void> {
    for (const r of this.replicas) {
      if (r.alive) r.signalGroup('SIGCONT');
      await r.stop();
    }
    await this.drop();
  }
}

function leads(r: ServerProcess): boolean {
  const news = r.logs.filter((l) => becameLeader(l) || l.msg.startsWith('lost scheduler leadership'));
  return news.at(-1)?.msg === 'became scheduler leader';
}

/** One line a job appended to the ledger: `task-id pid start|end epoch-ms`; pid is its scheduler's. */
export interface LedgerLine {
  taskId: string;
  pid: number;
  event: 'start' | 'end';
  at: number;
}

/**
 * A shell script that records its start and end in `ledger` around `body`, with the pid of the
 * scheduler that ran it: the parent of the job's parent, the scheduler's spawner process (read at
 * the start, while the spawner surely lives).
 */
export function ledgerScript(ledger: string, body: string): string {
  const line = (event: string) =>
    `echo "$SUNDIAL_TASK_ID $SUNDIAL_LEDGER_SCHEDULER ${event} $(date +%s%3N)" >> '${ledger}'`;
  return `read -r SUNDIAL_LEDGER_SCHEDULER < <(ps -o ppid= -p $PPID); ${line('start')}; ${body}; ${line('end')}`;
}

export function readLedger(ledger: string): LedgerLine[] {
  let text = '';
  try {
    text = readFileSync(ledger, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [taskId, pid, event, at] = l.split(' ');
      return { taskId: taskId!, pid: Number(pid), event: event as 'start' | 'end', at: Number(at) };
    });
}

/** Task ids that started more than once. */
export function startedTwice(lines: readonly LedgerLine[]): string[] {
  const seen = new Map<string, number>();
  for (const l of lines) if (l.event === 'start') seen.set(l.taskId, (seen.get(l.taskId) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}

/** Attempts of one task (same run, same task definition) whose jobs ran at the same time. */
export function overlapping(runs: readonly WireProcess[], lines: readonly LedgerLine[]): string[] {
  const out: string[] = [];
  for (const p of runs) {
    const byName = new Map<string, WireTask[]>();
    for (const t of p.task)
      byName.set(t.task_definition_name, [...(byName.get(t.task_definition_name) ?? []), t]);
    for (const [name, attempts] of byName) {
      const spans = attempts
        .map((t) => {
          const start = lines.find((l) => l.taskId === t.task_id && l.event === 'start')?.at;
          // A job cut short wrote no end line: it ended at the latest when its attempt was recorded ended.
          const end =
            lines.find((l) => l.taskId === t.task_id && l.event === 'end')?.at ??
            Date.parse(t.end_time ?? '');
          return start === undefined ? undefined : { start, end };
        })
        .filter((s) => s !== undefined)
        .sort((a, b) => a.start - b.start);
      for (let i = 1; i < spans.length; i++)
        if (spans[i]!.start < spans[i - 1]!.end) out.push(`${p.process_definition_name}/${name}`);
    }
  }
  return out;
}

/** The run of a definition once it has ended; undefined while it runs or while the API answers an error. */
export async function endedRun(server: ServerProcess, name: string): Promise<WireProcess | undefined> {
  const res = await server.api<WireProcess[]>('GET', `/api/processes?process_definition_name=${name}`);
  const run = res.status === 200 ? res.body[0] : undefined;
  if (!run || run.status === 'running') return undefined;
  const full = await server.api<WireProcess>('GET', `/api/processes/${run.process_id}`);
  return full.status === 200 ? full.body : undefined;
}
