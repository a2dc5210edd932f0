import type { Command } from 'commander';

/** The server the client commands talk to: `--url`, else SUNDIAL_URL, else the local default. */
export function withUrl(command: Command): Command {
  return command.option(
    '--url <url>',
    'Sundial URL (SUNDIAL_URL; http:// is assumed without a scheme)',
    process.env.SUNDIAL_URL || 'http://127.0.0.1:8080',
  );
}

export const enc = encodeURIComponent;

/** Collects repeated `-f` options, for commander. */
export const collectFiles = (file: string, files: string[] = []): string[] => [...files, file];
