import type { EmrInstanceFleet, NewEmrCluster, TaskDefinition } from './types.js';
import type { FieldProblem } from './validation-error.js';

/**
 * Rules of a `new_emr_cluster` that a JSON Schema states badly: instance groups or instance fleets
 * (exactly one of the two), every fleet asking for some capacity, and a master fleet of one node.
 *
 * @example
 * checkEmrClusters([{ task_definition_name: 'spark', executable: { emr_command: { emr_cluster: { new_emr_cluster: { … no master_instance … } } } }, … }])
 * // [{ field: 'task_definitions[0].executable.emr_command.emr_cluster.new_emr_cluster.master_instance', problem: 'is required (or give instance_fleets)' }]
 */
export function checkEmrClusters(tasks: readonly TaskDefinition[]): FieldProblem[] {
  return tasks.flatMap((t, i) => {
    const exe = t.executable;
    if (!('emr_command' in exe) || !('new_emr_cluster' in exe.emr_command.emr_cluster)) return [];
    const at = `task_definitions[${i}].executable.emr_command.emr_cluster.new_emr_cluster`;
    return clusterProblems(exe.emr_command.emr_cluster.new_emr_cluster, at);
  });
}

function clusterProblems(cluster: NewEmrCluster, at: string): FieldProblem[] {
  const groups = (['master_instance', 'core_instance', 'task_instance'] as const).filter((g) => cluster[g]);
  const fleets = cluster.instance_fleets;
  if (!fleets) {
    return cluster.master_instance
      ? []
      : [{ field: `${at}.master_instance`, problem: 'is required (or give instance_fleets)' }];
  }
  if (groups.length > 0) {
    return [
      {
        field: `${at}.instance_fleets`,
        problem: `cannot be combined with ${groups.join(', ')}: a cluster has instance groups or instance fleets`,
      },
    ];
  }
  const problems = (['master', 'core', 'task'] as const).flatMap((role) => {
    const fleet = fleets[role];
    return fleet ? fleetProblems(fleet, `${at}.instance_fleets.${role}`) : [];
  });
  const master = fleets.master;
  if (units(master) > 0 && master.instance_types.some((x) => (x.weighted_capacity ?? 1) !== 1)) {
    problems.push({
      field: `${at}.instance_fleets.master.instance_types`,
      problem: 'weighted_capacity must be 1 for the master fleet (one master node)',
    });
  }
  if (units(master) > 1) {
    problems.push({
      field: `${at}.instance_fleets.master`,
      problem: `target_on_demand_capacity + target_spot_capacity must be 1 (one master node), got ${units(master)}`,
    });
  }
  return problems;
}

function fleetProblems(fleet: EmrInstanceFleet, at: string): FieldProblem[] {
  if (units(fleet) > 0) return [];
  return [{ field: at, problem: 'needs target_on_demand_capacity or target_spot_capacity above 0' }];
}

const units = (fleet: EmrInstanceFleet) =>
  (fleet.target_on_demand_capacity ?? 0) + (fleet.target_spot_capacity ?? 0);
