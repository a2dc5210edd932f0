/**
 * A scheduled run remembers the due time it fired for, and a definition has
 * at most one run per due time: whatever the number of replicas and however
 * their clocks and leases race, a due schedule fires once. Triggered runs
 * have no due time and are not limited.
 */
export const m000005 = [
  'alter table processes add column if not exists due_at timestamptz',
  `create unique index if not exists processes_once_per_due_time
     on processes (definition_name, due_at) where due_at is not null`,
];
