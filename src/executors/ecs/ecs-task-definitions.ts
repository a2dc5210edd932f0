import {
  DescribeTaskDefinitionCommand,
  type ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { isAmbiguous, isThrottling } from '../aws/aws-errors.js';
import type { ClientPool } from '../aws/client-pool.js';
import { DefinitionCache } from '../aws/definition-cache.js';
import { taskDefinitionMatches } from './ecs-requests.js';

/**
 * Task definitions in use: the latest ACTIVE revision of the family when it matches, else a new
 * one; remembered per region and content so steady schedules cost no extra calls.
 *
 * @example
 * const arn = await definitions.ensure('us-east-1', registerTaskDefinitionInput(run, cmd, placement));
 */
export class EcsTaskDefinitions {
  private readonly cache = new DefinitionCache<RegisterTaskDefinitionCommandInput>();

  constructor(private readonly clients: ClientPool<ECSClient>) {}

  ensure(region: string, wanted: RegisterTaskDefinitionCommandInput): Promise<string> {
    return this.cache.ensure(region, wanted, () => this.resolve(region, wanted));
  }

  /** Forget a revision that turned out to be gone. */
  forget(region: string, wanted: RegisterTaskDefinitionCommandInput): void {
    this.cache.forget(region, wanted);
  }

  private async resolve(region: string, wanted: RegisterTaskDefinitionCommandInput): Promise<string> {
    const latest = await this.latest(region, wanted.family!);
    if (latest?.taskDefinitionArn && taskDefinitionMatches(latest, wanted)) return latest.taskDefinitionArn;
    const out = await this.clients.get(region).send(new RegisterTaskDefinitionCommand(wanted));
    return out.taskDefinition!.taskDefinitionArn!;
  }

  private async latest(region: string, family: string): Promise<TaskDefinition | undefined> {
    try {
      const out = await this.clients
        .get(region)
        .send(new DescribeTaskDefinitionCommand({ taskDefinition: family }));
      return out.taskDefinition;
    } catch (err) {
      if (isAmbiguous(err) || isThrottling(err)) throw err;
      return undefined; // ClientException: no ACTIVE revision of this family yet
    }
  }
}
