import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { api } from '../api/client.js';
import type { WireProcess, WireProcessPage } from '../api/types.js';

/**
 * Attempts in the first page: small, so the run's header and first rows paint
 * at once. web/index.html asks for this page before the scripts have loaded.
 */
const FIRST_PAGE = 50;
/** Attempts in each later page (the most the API gives in one). */
const PAGE = 1000;
/** How often a running run's state is read again, per page of attempts it has. */
const POLL_MS_PER_PAGE = 1500;

/** A run as loaded so far. */
export interface LoadedRun {
  /** The run's header (status, times, cost, notifications) and every attempt read so far. */
  run: WireProcess | undefined;
  /** False while later pages of attempts are still being read. */
  complete: boolean;
  error: Error | null;
}

/** A run is read again at most this often: every page read again costs a request. */
function cadence(query: { state: { data?: { pages: unknown[] } } }): number {
  return POLL_MS_PER_PAGE * (query.state.data?.pages.length ?? 1);
}

/** An ended run is read again while its notifications are still on their way. */
function stillChanging(first: WireProcessPage | undefined): boolean {
  return (
    first?.status === 'running' ||
    first?.notification_deliveries?.some((d) => d.status === 'pending') === true
  );
}

/**
 * A run read a page of attempts at a time: the first page paints the page,
 * the others follow one after another in the background, so a run of
 * 10,000 tasks neither waits for nor sends one huge answer. While the run
 * changes, all pages are read again (less often the more pages it has).
 *
 * @example
 * const { run, complete } = useRun(processId);
 */
export function useRun(id: string): LoadedRun {
  const query = useInfiniteQuery({
    queryKey: ['process', id],
    queryFn: ({ pageParam }) => api.processPage(id, pageParam ? PAGE : FIRST_PAGE, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_after,
    // Nor read again sooner on a return to the window: a big run's pages are megabytes.
    staleTime: cadence,
    refetchInterval: (q) => (stillChanging(q.state.data?.pages[0]) ? cadence(q) : false),
  });
  const { hasNextPage, isFetchingNextPage, isError, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && !isError) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, isError, fetchNextPage]);
  const pages = query.data?.pages;
  const run = useMemo(() => {
    // Every page repeats the header; the first is the one read first on each refresh.
    const first = pages?.[0];
    if (!first) return undefined;
    return { ...first, task: pages!.length === 1 ? first.task : pages!.flatMap((p) => p.task) };
  }, [pages]);
  return { run, complete: run !== undefined && !hasNextPage, error: query.error };
}
