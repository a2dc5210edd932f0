import {
  DescribeTaskDefinitionCommand,
  type ECSClient,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { isAmbiguous, isThrottling } from '../aws/aws-errors.js';
import type { ClientPool } from '../aws/client-pool.js';
import { taskDefinitionMatches } from './ecs-requests.js';

/**
 * Task definitions in use: the latest ACTIVE revision of the family when it matches, else a new
 * one; remembered per region and content so steady schedules cost no extra calls.
 *
 * @example
 * const arn = await definitions.ensure('us-east-1', registerTaskDefinitionInput(run, cmd, placement));
 */
export class EcsTaskDefinitions {
  private readonly known = new Map<string, Promise<string>>();

  constructor(private readonly clients: ClientPool<ECSClient>) {}

  ensure(region: string, wanted: RegisterTaskDefinitionCommandInput): Promise<string> {
    const key = `${region}|${JSON.stringify(wanted)}`;
    let arn = this.known.get(key);
    if (!arn) {
      arn = this.resolve(region, wanted);
      this.known.set(key, arn);
      arn.catch(() => this.known.delete(key));
    }
    return arn;
  }

  forget(region: string, wanted: RegisterTaskDefinitionCommandInput): void {
    this.known.delete(`${region}|${JSON.stringify(wanted)}`);
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
