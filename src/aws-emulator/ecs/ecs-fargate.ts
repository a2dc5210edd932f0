import type { RegisterTaskDefinitionRequest, RunTaskRequest } from '@aws-sdk/client-ecs';
import { AwsError } from '../aws-error.js';
import { hexId, uuid } from '../ids.js';
import type { JsonObject } from '../types.js';

/**
 * What ECS checks of Fargate and awsvpc tasks, with its messages: a FARGATE task definition is
 * awsvpc with a task-level size Fargate offers (and an execution role for awslogs); an awsvpc task
 * needs subnets at RunTask; a Fargate launch needs a FARGATE-compatible definition.
 */

/** Fargate's sizes from 512 CPU units: CPU units → memory MiB from `min` to `max` in `step`s. */
const FARGATE_MEMORY: Record<string, { min: number; max: number; step: number }> = {
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

function fargateOffers(cpu: number, memory: number): boolean {
  // 256 CPU units take 512 MiB, 1 GiB or 2 GiB (not 1.5 GiB): no range with a step.
  if (cpu === 256) return memory === 512 || memory === 1024 || memory === 2048;
  const m = FARGATE_MEMORY[cpu];
  return !!m && memory >= m.min && memory <= m.max && (memory - m.min) % m.step === 0;
}

const clientError = (message: string) => new AwsError('ClientException', message);
const invalid = (message: string) => new AwsError('InvalidParameterException', message);

/** RegisterTaskDefinition's Fargate rules; nothing to check without FARGATE in `requiresCompatibilities`. */
export function checkFargateDefinition(req: RegisterTaskDefinitionRequest): void {
  if (!req.requiresCompatibilities?.includes('FARGATE')) return;
  if (req.networkMode !== 'awsvpc') throw clientError("Fargate only supports network mode 'awsvpc'.");
  for (const field of ['cpu', 'memory'] as const) {
    if (!req[field]) throw clientError(`Fargate requires that '${field}' be defined at the task level.`);
  }
  const cpu = Number(req.cpu);
  const memory = Number(req.memory);
  if (!fargateOffers(cpu, memory))
    throw clientError(
      `No Fargate configuration exists for given values: ${req.cpu} CPU, ${req.memory} memory. See the Amazon ECS documentation for the valid values.`,
    );
  for (const c of req.containerDefinitions ?? []) {
    if ((c.memory ?? 0) > memory)
      throw clientError(`The 'memory' setting for container '${c.name}' is greater than for the task.`);
    if (c.logConfiguration?.logDriver === 'awslogs' && !req.executionRoleArn)
      throw clientError(
        'Fargate requires task definition to have execution role ARN to support log driver awslogs.',
      );
  }
}

/** What DescribeTaskDefinition tells a definition can run on. */
export function compatibilities(raw: JsonObject): string[] {
  const fargate = raw.networkMode === 'awsvpc' && fargateOffers(Number(raw.cpu), Number(raw.memory));
  return fargate ? ['EC2', 'FARGATE'] : ['EC2'];
}

/**
 * RunTask's launch and network rules for a definition (its raw request); the task's launch type,
 * capacity provider and, for awsvpc, its network interface attachment.
 */
export function runTaskPlacement(
  req: RunTaskRequest,
  definition: JsonObject,
): { launchType: string; capacityProviderName?: string; attachments: JsonObject[] } {
  const strategy = req.capacityProviderStrategy ?? [];
  if (req.launchType && strategy.length > 0)
    throw invalid(
      'Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.',
    );
  const provider = strategy[0]?.capacityProvider;
  const fargate = req.launchType === 'FARGATE' || provider === 'FARGATE' || provider === 'FARGATE_SPOT';
  if (fargate && !compatibilities(definition).includes('FARGATE'))
    throw invalid('Task definition does not support launch_type FARGATE.');
  const awsvpc = req.networkConfiguration?.awsvpcConfiguration;
  if (definition.networkMode !== 'awsvpc') {
    if (awsvpc)
      throw invalid('Network Configuration is not valid for the given networkMode of this task definition.');
    return { launchType: req.launchType ?? 'EC2', attachments: [] };
  }
  if (!awsvpc)
    throw invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  const subnet = awsvpc.subnets?.[0];
  if (!subnet) throw invalid('subnets can not be empty.');
  return {
    launchType: fargate ? 'FARGATE' : (req.launchType ?? 'EC2'),
    ...(provider && { capacityProviderName: provider }),
    attachments: [eniAttachment(subnet)],
  };
}

/** The network interface ECS gives an awsvpc task, in its first subnet. */
function eniAttachment(subnet: string): JsonObject {
  const hex = hexId();
  const octet = (i: number) => Number.parseInt(hex.slice(i, i + 2), 16);
  return {
    id: uuid(),
    type: 'ElasticNetworkInterface',
    status: 'ATTACHED',
    details: [
      { name: 'subnetId', value: subnet },
      { name: 'networkInterfaceId', value: `eni-${hex.slice(4, 21)}` },
      { name: 'privateIPv4Address', value: `10.0.${octet(0)}.${octet(2)}` },
    ],
  };
}
