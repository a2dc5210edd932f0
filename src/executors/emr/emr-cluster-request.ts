import type { Configuration, RunJobFlowCommandInput, StepConfig } from '@aws-sdk/client-emr';
import type { EmrConfiguration, NewEmrCluster } from '../../domain/types.js';
import { SPOT_RETRY_TAG, sundialTags } from '../aws/aws-names.js';
import type { TaskRun } from '../executor.js';
import { clusterInstances } from './emr-instances.js';

/** Default idle timeout of the AutoTerminationPolicy on every cluster Sundial creates: one hour. */
export const DEFAULT_EMR_IDLE_TIMEOUT_SECONDS = 3600;

/** Settings of the executor (not of the definition) that shape every RunJobFlow. */
export interface ClusterRequestSettings {
  /** AutoTerminationPolicy.IdleTimeout in seconds (default {@link DEFAULT_EMR_IDLE_TIMEOUT_SECONDS}). */
  idleTimeoutSeconds?: number;
  /** Every instance on-demand: the retry after a spot loss with `spot_fallback: on_demand`. */
  onDemand?: boolean;
  /** Spot losses before this cluster: tagged `sundial:spot-retry` (when above 0) to be found again. */
  spotRetry?: number;
}

/**
 * RunJobFlow for a `new_emr_cluster`: every field of the definition mapped, the steps included,
 * KeepJobFlowAliveWhenNoSteps=false so the cluster ends with its last step, an idle
 * AutoTerminationPolicy as the last guard should everything else fail (a cluster left WAITING),
 * and tags tying it to its Sundial task so a replay, or a sweep, can find it.
 *
 * @example
 * runJobFlowInput(run, post.new_emr_cluster, emrSteps(run, cmd, env, 'TERMINATE_CLUSTER'))
 */
export function runJobFlowInput(
  run: Pick<TaskRun, 'taskId' | 'processId' | 'definitionName' | 'taskDefinitionName'>,
  cluster: NewEmrCluster,
  steps: StepConfig[],
  settings: ClusterRequestSettings = {},
): RunJobFlowCommandInput {
  const serviceRole = cluster.emr_service_role;
  const jobFlowRole = cluster.emr_job_flow_role;
  return {
    Name: cluster.name,
    ...(cluster.release_label && { ReleaseLabel: cluster.release_label }),
    LogUri: cluster.s3_log_uri,
    Applications: cluster.applications.map((Name) => ({ Name })),
    Instances: {
      ...clusterInstances(cluster, settings.onDemand ?? false),
      ...(cluster.ec2_subnet && { Ec2SubnetId: cluster.ec2_subnet }),
      KeepJobFlowAliveWhenNoSteps: false,
      TerminationProtected: false,
    },
    ServiceRole:
      'custom_emr_service_role' in serviceRole
        ? serviceRole.custom_emr_service_role.role_name
        : serviceRole.default_emr_service_role,
    JobFlowRole:
      'custom_emr_job_flow_role' in jobFlowRole
        ? jobFlowRole.custom_emr_job_flow_role.role_name
        : jobFlowRole.default_emr_job_flow_role,
    ...(cluster.visible_to_all_users !== undefined && { VisibleToAllUsers: cluster.visible_to_all_users }),
    ...(cluster.configurations && { Configurations: cluster.configurations.map(configuration) }),
    ...(cluster.security_configuration && { SecurityConfiguration: cluster.security_configuration }),
    Steps: steps,
    AutoTerminationPolicy: { IdleTimeout: settings.idleTimeoutSeconds ?? DEFAULT_EMR_IDLE_TIMEOUT_SECONDS },
    Tags: Object.entries({
      ...sundialTags(run),
      ...(settings.spotRetry && { [SPOT_RETRY_TAG]: String(settings.spotRetry) }),
    }).map(([Key, Value]) => ({ Key, Value })),
  };
}

function configuration(c: EmrConfiguration): Configuration {
  return {
    ...(c.classification && { Classification: c.classification }),
    ...(c.configurations && { Configurations: c.configurations.map(configuration) }),
    ...(c.properties && { Properties: c.properties }),
  };
}
