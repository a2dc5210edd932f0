/**
 * The code of the small process that spawns shell jobs (see
 * `job-spawner.ts`), as plain JavaScript run with `node -e`: it then needs
 * no file of its own, which a build, a test run from sources and a server
 * run with a TypeScript loader would each resolve differently. It exits as
 * soon as its scheduler is gone (the IPC channel closes): the pipes of the
 * jobs close with it, and a job still at its start gate exits unrun.
 *
 * Messages in: `spawn {id, file, args, env}` (stdin /dev/null, a pipe as
 * fd 3), `go {id}` (one line to fd 3, which opens the job's start gate), `ack {id, bytes}` (the
 * scheduler took that much output). Messages out: `spawned {id, pid}`,
 * `error {id, message}`, `out {id, fd, chunk}`, `close {id, code, signal}`
 * (after all its output). A job's output is paused while more than
 * `MAX_UNACKED` bytes of it are not acknowledged, so a job printing faster
 * than the scheduler stores its lines cannot queue unbounded memory here.
 */
export const SPAWNER_PROCESS_CODE = String.raw`
'use strict';
const { spawn } = require('node:child_process');
const MAX_UNACKED = 1024 * 1024;
const jobs = new Map();

function pump(id, job, fd, stream) {
  stream.on('data', (data) => {
    // A copy the size of the data: posting a pooled slice would clone the whole pool.
    const chunk = new Uint8Array(data);
    job.unacked += chunk.length;
    process.send({ op: 'out', id, fd, chunk });
    if (job.unacked > MAX_UNACKED && !job.paused) {
      job.paused = true;
      job.child.stdout.pause();
      job.child.stderr.pause();
    }
  });
}

process.on('disconnect', () => process.exit(0));
process.on('message', (m) => {
  if (m.op === 'spawn') {
    let child;
    try {
      child = spawn(m.file, m.args, { detached: true, env: m.env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    } catch (e) {
      process.send({ op: 'error', id: m.id, message: String(e && e.message) });
      process.send({ op: 'close', id: m.id, code: null, signal: null });
      return;
    }
    const job = { child, unacked: 0, paused: false };
    jobs.set(m.id, job);
    child.stdio[3].on('error', () => {}); // a job that ended at its gate closed it
    child.on('error', (e) => process.send({ op: 'error', id: m.id, message: e.message }));
    child.on('close', (code, signal) => {
      jobs.delete(m.id);
      process.send({ op: 'close', id: m.id, code, signal });
    });
    pump(m.id, job, 1, child.stdout);
    pump(m.id, job, 2, child.stderr);
    process.send({ op: 'spawned', id: m.id, pid: child.pid });
  } else if (m.op === 'go') {
    const job = jobs.get(m.id);
    if (job) job.child.stdio[3].end('go\n');
  } else if (m.op === 'ack') {
    const job = jobs.get(m.id);
    if (!job) return;
    job.unacked -= m.bytes;
    if (job.paused && job.unacked <= MAX_UNACKED) {
      job.paused = false;
      job.child.stdout.resume();
      job.child.stderr.resume();
    }
  }
});
`;
