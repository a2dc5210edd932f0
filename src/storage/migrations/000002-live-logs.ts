/**
 * Live logs: per-task storage usage (the cap and its accounting, and whether
 * the log is complete) and the read position of every remote log a tailer
 * follows, written in the same transaction as the lines it covers.
 */
export const m000002 = [
  `create table task_log_usage (
    task_id uuid primary key references tasks (id) on delete cascade,
    lines bigint not null default 0,
    bytes bigint not null default 0,
    dropped_lines bigint not null default 0,
    dropped_bytes bigint not null default 0,
    -- set when the task ended and every tailer drained: nothing more will be stored
    closed_at timestamptz
  )`,
  `create table task_log_cursors (
    task_id uuid not null references tasks (id) on delete cascade,
    ref_key text not null,
    ref jsonb not null,
    cursor jsonb,
    -- compare-and-set guard: two tailers of one stream can never both store a page
    version bigint not null default 0,
    done boolean not null default false,
    updated_at timestamptz not null default now(),
    primary key (task_id, ref_key)
  )`,
  // What a new leader looks at: streams still followed, logs not yet closed.
  `create index task_log_cursors_open on task_log_cursors (task_id) where not done`,
  `create index task_log_usage_open on task_log_usage (task_id) where closed_at is null`,
];
