import {
  type BatchClient,
  DescribeJobDefinitionsCommand,
  type JobDefinition,
  RegisterJobDefinitionCommand,
  type RegisterJobDefinitionCommandInput,
} from '@aws-sdk/client-batch';
import type { ClientPool } from '../aws/client-pool.js';
import { DefinitionCache } from '../aws/definition-cache.js';
import { jobDefinitionMatches } from './batch-requests.js';

/**
 * Job definitions in use: the latest ACTIVE revision when it matches, else a new one. Answers are
 * remembered per region and content, so a definition that runs every few minutes costs AWS calls
 * only on its first run after a start (or after someone deregistered the revision).
 *
 * @example
 * const arn = await definitions.ensure('us-east-1', registerJobDefinitionInput(run, cmd));
 */
export class BatchJobDefinitions {
  private readonly cache = new DefinitionCache<RegisterJobDefinitionCommandInput>();

  constructor(private readonly clients: ClientPool<BatchClient>) {}

  ensure(region: string, wanted: RegisterJobDefinitionCommandInput): Promise<string> {
    return this.cache.ensure(region, wanted, () => this.resolve(region, wanted));
  }

  /** Forget a revision that turned out to be gone. */
  forget(region: string, wanted: RegisterJobDefinitionCommandInput): void {
    this.cache.forget(region, wanted);
  }

  private async resolve(region: string, wanted: RegisterJobDefinitionCommandInput): Promise<string> {
    const latest = await this.latestActive(region, wanted.jobDefinitionName!);
    if (latest?.jobDefinitionArn && jobDefinitionMatches(latest, wanted)) return latest.jobDefinitionArn;
    // Registering twice is harmless (one more revision), so the SDK may retry this freely.
    const out = await this.clients.get(region).send(new RegisterJobDefinitionCommand(wanted));
    return out.jobDefinitionArn!;
  }

  private async latestActive(region: string, name: string): Promise<JobDefinition | undefined> {
    let latest: JobDefinition | undefined;
    let nextToken: string | undefined;
    do {
      const page = await this.clients
        .get(region)
        .send(new DescribeJobDefinitionsCommand({ jobDefinitionName: name, status: 'ACTIVE', nextToken }));
      for (const d of page.jobDefinitions ?? []) {
        if ((d.revision ?? 0) > (latest?.revision ?? 0)) latest = d;
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return latest;
  }
}
