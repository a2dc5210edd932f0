import type { ExecutorKind } from '../domain/types.js';
import type { Executor, TaskRun } from './executor.js';

/**
 * Stand-ins for executors whose code is loaded at their first use: `load` runs once, at the first
 * `start`, `kill` or `resume` of any of `kinds`, and every call then goes to the loaded executor of
 * the same kind. `close` before any use loads nothing. The AWS executors are made this way: their
 * SDK clients are a fifth of an idle server's memory, which a server running only shell tasks
 * should not hold. An engine resumes only the kinds it has active tasks of, so a restart with
 * none loads nothing either.
 *
 * @example
 * for (const e of lazyExecutors(AWS_EXECUTOR_KINDS, async () => (await import('./aws/aws-executors.js')).createAwsExecutors(engine)))
 *   engine.register(e);
 */
export function lazyExecutors(kinds: readonly ExecutorKind[], load: () => Promise<Executor[]>): Executor[] {
  let loaded: Promise<Map<ExecutorKind, Executor>> | undefined;
  const real = async (kind: ExecutorKind): Promise<Executor> => {
    loaded ??= load().then((list) => new Map(list.map((e) => [e.kind, e])));
    const executor = (await loaded).get(kind);
    if (!executor) throw new Error(`no ${kind} executor was loaded`);
    return executor;
  };
  return kinds.map(
    (kind): Executor => ({
      kind,
      start: async (run: TaskRun) => (await real(kind)).start(run),
      kill: async (run: TaskRun, reason: string) => (await real(kind)).kill(run, reason),
      resume: async (runs: readonly TaskRun[]) => (await real(kind)).resume(runs),
      close: async (graceMs?: number) => {
        if (!loaded) return;
        // A load that failed has failed every call already: there is nothing to close.
        const executor = await real(kind).catch(() => undefined);
        await executor?.close(graceMs);
      },
    }),
  );
}
