/**
 * Authentication and audit: API tokens (only their SHA-256 is stored), the
 * server's own secrets (the key task tokens are signed with, shared by every
 * replica through the database), and the audit log of writes and actions.
 */
export const m000004 = [
  `create table api_tokens (
    id uuid primary key,
    name text not null,
    role text not null check (role in ('viewer', 'operator', 'admin')),
    -- hex SHA-256 of the token; the token itself is shown once and never stored
    token_hash text not null unique,
    -- the token's first characters, so a listing can tell tokens apart
    prefix text not null,
    created_at timestamptz not null default now(),
    created_by text not null,
    revoked_at timestamptz
  )`,
  `create unique index api_tokens_active_name on api_tokens (name) where revoked_at is null`,
  `create table server_secrets (
    name text primary key,
    value text not null,
    created_at timestamptz not null default now()
  )`,
  `create table audit_log (
    id bigserial primary key,
    at timestamptz not null default now(),
    actor text not null,
    role text,
    action text not null,
    target jsonb not null default '{}',
    status integer,
    remote_address text
  )`,
  `create index audit_log_at on audit_log (at desc)`,
];
