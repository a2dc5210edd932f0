/** The initial schema. Never edit a released migration: add a new file. */
export const m000001 = [
  `create table process_definitions (
    name text primary key,
    definition jsonb not null,
    paused boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    -- when the schedule is next due; null = no schedule. Indexed so idle definitions cost nothing.
    next_run_at timestamptz
  )`,
  `create index process_definitions_due on process_definitions (next_run_at) where next_run_at is not null`,
  `create table trigger_requests (
    id uuid primary key,
    definition_name text not null,
    task_filter jsonb,
    requested_at timestamptz not null default now(),
    process_id uuid
  )`,
  `create index trigger_requests_open on trigger_requests (requested_at) where process_id is null`,
  `create table processes (
    id uuid primary key,
    definition_name text not null,
    status text not null check (status in ('running', 'succeeded', 'failed')),
    started_at timestamptz not null,
    ended_at timestamptz,
    task_definitions jsonb not null,
    kill_requested_at timestamptz,
    kill_reason text,
    retry_grants jsonb not null default '{}',
    started_by text not null
  )`,
  `create index processes_by_definition on processes (definition_name, started_at desc)`,
  `create index processes_by_start on processes (started_at desc)`,
  `create index processes_running on processes (started_at) where status = 'running'`,
  `create table tasks (
    id uuid primary key,
    process_id uuid not null references processes (id) on delete cascade,
    definition_name text not null,
    task_definition_name text not null,
    attempt int not null,
    status text not null,
    executor text not null,
    executable jsonb not null,
    started_at timestamptz not null,
    ended_at timestamptz,
    failure_reason text,
    reported_status text,
    execution_state jsonb not null default '{}',
    runner_id text,
    -- one task per attempt: a replayed start cannot create a second one
    unique (process_id, task_definition_name, attempt)
  )`,
  `create index tasks_by_definition on tasks (definition_name, task_definition_name, started_at desc)`,
  `create index tasks_active on tasks (executor) where status not in ('succeeded', 'failed')`,
  `create table task_log_entries (
    seq bigserial primary key,
    id uuid not null unique,
    task_id uuid not null references tasks (id) on delete cascade,
    at timestamptz not null,
    source text not null,
    message text not null
  )`,
  `create index task_log_entries_by_task on task_log_entries (task_id, seq)`,
  `create table task_metadata_entries (
    seq bigserial primary key,
    id uuid not null unique,
    task_id uuid not null references tasks (id) on delete cascade,
    at timestamptz not null,
    key text not null,
    value text not null
  )`,
  `create index task_metadata_entries_by_task on task_metadata_entries (task_id, seq)`,
  `create table leases (
    name text primary key,
    holder text not null,
    epoch bigint not null,
    expires_at timestamptz not null
  )`,
];
