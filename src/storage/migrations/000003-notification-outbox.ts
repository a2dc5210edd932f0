/**
 * Notifications: an outbox row per message to send, written in the same
 * transaction that ends the run, and one row per delivery attempt (recorded
 * before the attempt is made, so a crash mid-send leaves a trace).
 */
export const m000003 = [
  `create table notification_outbox (
    id uuid primary key,
    process_id uuid not null references processes (id) on delete cascade,
    definition_name text not null,
    kind text not null check (kind in ('email', 'pagerduty', 'webhook', 'slack')),
    -- the notification as the definition stated it when the run ended
    target jsonb not null,
    -- succeeded | failed (the run's outcome), or trigger | resolve (PagerDuty)
    event text not null,
    status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'not_sent')),
    attempts int not null default 0,
    -- when a sender may take the row; while one holds it (claimed_by), the end of its lease,
    -- after which another sender takes it over (the holder died mid-send)
    next_attempt_at timestamptz not null,
    claimed_by text,
    created_at timestamptz not null,
    ended_at timestamptz
  )`,
  `create index notification_outbox_due on notification_outbox (next_attempt_at) where status = 'pending'`,
  `create index notification_outbox_by_process on notification_outbox (process_id)`,
  `create table notification_attempts (
    outbox_id uuid not null references notification_outbox (id) on delete cascade,
    attempt int not null,
    started_at timestamptz not null,
    ended_at timestamptz,
    result text not null check (result in ('sending', 'sent', 'retrying', 'failed', 'not_sent', 'interrupted')),
    detail text,
    primary key (outbox_id, attempt)
  )`,
];
