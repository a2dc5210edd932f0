import type { TaskDefinition } from './types.js';
import type { FieldProblem } from './validation-error.js';

/**
 * AWS Fargate runs tasks of fixed sizes only: each CPU value (units, 1024 = 1 vCPU) allows a range
 * of memory (MiB) in fixed steps. A `docker_image_command` asks for any `cpu`/`memory`; on Fargate
 * the task gets the smallest size that holds both.
 */

/** A task size Fargate accepts: `cpu` units and `memory` MiB (RegisterTaskDefinition takes them as strings). */
export interface FargateSize {
  cpu: number;
  memory: number;
}

const GIB = 1024;

/** Each CPU value with its memory range and step (MiB), smallest first. */
const FARGATE_TIERS: readonly { cpu: number; memory: readonly number[] }[] = [
  { cpu: 256, memory: [512, 1024, 2048] },
  { cpu: 512, memory: range(1, 4, 1) },
  { cpu: 1024, memory: range(2, 8, 1) },
  { cpu: 2048, memory: range(4, 16, 1) },
  { cpu: 4096, memory: range(8, 30, 1) },
  { cpu: 8192, memory: range(16, 60, 4) },
  { cpu: 16384, memory: range(32, 120, 8) },
];

/** The largest task Fargate runs. */
const FARGATE_MAX: FargateSize = { cpu: 16384, memory: 120 * GIB };

function range(fromGiB: number, toGiB: number, stepGiB: number): number[] {
  const out: number[] = [];
  for (let g = fromGiB; g <= toGiB; g += stepGiB) out.push(g * GIB);
  return out;
}

/**
 * The smallest Fargate size with at least `cpu` units and `memory` MiB (either may be absent: then
 * the smallest size of the other; neither: the smallest task, 256 units and 512 MiB); undefined
 * when the ask is beyond {@link FARGATE_MAX}.
 *
 * @example
 * fargateSize(300, 600)   // { cpu: 512, memory: 1024 }
 * fargateSize(256, 3000)  // { cpu: 512, memory: 3072 }: 256 units go up to 2 GiB only
 * fargateSize(undefined, undefined) // { cpu: 256, memory: 512 }
 */
export function fargateSize(cpu: number | undefined, memory: number | undefined): FargateSize | undefined {
  for (const tier of FARGATE_TIERS) {
    if (tier.cpu < (cpu ?? 0)) continue;
    const fits = tier.memory.find((m) => m >= (memory ?? 0));
    if (fits !== undefined) return { cpu: tier.cpu, memory: fits };
  }
  return undefined;
}

/** Why a `docker_image_command` cannot run on Fargate, if it cannot (the problem text, field relative to the command). */
export function fargateProblems(cmd: {
  cpu?: number;
  memory?: number;
  execution_role_arn?: string;
}): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!cmd.execution_role_arn) {
    problems.push({
      field: 'execution_role_arn',
      problem:
        'is required on Fargate (SUNDIAL_ECS_LAUNCH_TYPE): Fargate pulls the image and ' +
        'ships the awslogs output with this role',
    });
  }
  if (!fargateSize(cmd.cpu, cmd.memory)) {
    problems.push({
      field: cmd.cpu !== undefined && cmd.cpu > FARGATE_MAX.cpu ? 'cpu' : 'memory',
      problem: `is beyond the largest Fargate task (${FARGATE_MAX.cpu} CPU units, ${FARGATE_MAX.memory} MiB)`,
    });
  }
  return problems;
}

/**
 * {@link fargateProblems} of every `docker_image_command` of a definition, fields in full: checked
 * when the server runs ECS tasks on Fargate.
 *
 * @example
 * checkFargateTasks(def.task_definitions)
 * // [{ field: 'task_definitions[0].executable.docker_image_command.execution_role_arn', problem: 'is required on Fargate …' }]
 */
export function checkFargateTasks(tasks: readonly TaskDefinition[]): FieldProblem[] {
  return tasks.flatMap((t, i) => {
    const exe = t.executable;
    if (!('docker_image_command' in exe)) return [];
    return fargateProblems(exe.docker_image_command).map((p) => ({
      field: `task_definitions[${i}].executable.docker_image_command.${p.field}`,
      problem: p.problem,
    }));
  });
}
