import { isAmbiguous, isThrottling } from './aws-errors.js';

/**
 * Remembers which registered definition (job or task definition ARN) serves
 * a wanted request, per region and content, so steady schedules cost no
 * AWS calls after the first run. A failed lookup is forgotten at once.
 *
 * @example
 * const cache = new DefinitionCache<RegisterJobDefinitionCommandInput>();
 * const arn = await cache.ensure('us-east-1', wanted, () => lookUpOrRegister(wanted));
 */
export class DefinitionCache<Wanted> {
  private readonly known = new Map<string, Promise<string>>();

  ensure(region: string, wanted: Wanted, resolve: () => Promise<string>): Promise<string> {
    const key = keyOf(region, wanted);
    let arn = this.known.get(key);
    if (!arn) {
      arn = resolve();
      this.known.set(key, arn);
      arn.catch(() => this.known.delete(key));
    }
    return arn;
  }

  /** Forget a revision that turned out to be gone. */
  forget(region: string, wanted: Wanted): void {
    this.known.delete(keyOf(region, wanted));
  }
}

/**
 * Makes a create call with the definition it needs (a job or task definition ARN). When AWS
 * refuses the call, the remembered revision may have been deregistered meanwhile, so it is
 * forgotten and the next attempt looks again; an ambiguous or throttled failure says nothing about it.
 *
 * @example
 * const out = await withDefinition(definitions, region, wanted, (arn) =>
 *   batch.send(new SubmitJobCommand({ ...input, jobDefinition: arn })),
 * );
 */
export async function withDefinition<Wanted, Result>(
  definitions: {
    ensure(region: string, wanted: Wanted): Promise<string>;
    forget(region: string, wanted: Wanted): void;
  },
  region: string,
  wanted: Wanted,
  call: (arn: string) => Promise<Result>,
): Promise<Result> {
  const arn = await definitions.ensure(region, wanted);
  try {
    return await call(arn);
  } catch (err) {
    if (!isAmbiguous(err) && !isThrottling(err)) definitions.forget(region, wanted);
    throw err;
  }
}

function keyOf(region: string, wanted: unknown): string {
  return `${region}|${JSON.stringify(wanted)}`;
}
