import type {
  Configuration,
  InstanceGroupConfig,
  InstanceRoleType,
  RunJobFlowCommandInput,
  StepConfig,
} from '@aws-sdk/client-emr';
import type { EmrConfiguration, EmrInstanceGroupDetails, NewEmrCluster } from '../../domain/types.js';
import { sundialTags } from '../aws/aws-names.js';
import type { TaskRun } from '../executor.js';

/** Default idle timeout of the AutoTerminationPolicy on every cluster Sundial creates: one hour. */
export const DEFAULT_EMR_IDLE_TIMEOUT_SECONDS = 3600;

/** Settings of the executor (not of the definition) that shape every RunJobFlow. */
export interface ClusterRequestSettings {
  /** AutoTerminationPolicy.IdleTimeout in seconds (default {@link DEFAULT_EMR_IDLE_TIMEOUT_SECONDS}). */
  idleTimeoutSeconds?: number;
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
  const groups: InstanceGroupConfig[] = [instanceGroup('MASTER', cluster.master_instance, 1)];
  if (cluster.core_instance) groups.push(instanceGroup('CORE', cluster.core_instance));
  if (cluster.task_instance) groups.push(instanceGroup('TASK', cluster.task_instance));
  const serviceRole = cluster.emr_service_role;
  const jobFlowRole = cluster.emr_job_flow_role;
  return {
    Name: cluster.name,
    ...(cluster.release_label && { ReleaseLabel: cluster.release_label }),
    LogUri: cluster.s3_log_uri,
    Applications: cluster.applications.map((Name) => ({ Name })),
    Instances: {
      InstanceGroups: groups,
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
    Tags: Object.entries(sundialTags(run)).map(([Key, Value]) => ({ Key, Value })),
  };
}

/** One instance group; the master's count is always 1, whatever the definition says. */
function instanceGroup(
  role: InstanceRoleType,
  details: EmrInstanceGroupDetails,
  forcedCount?: number,
): InstanceGroupConfig {
  const market = details.aws_market;
  const group: InstanceGroupConfig = {
    Name: role.charAt(0) + role.slice(1).toLowerCase(),
    InstanceRole: role,
    InstanceType: details.emr_instance_type,
    InstanceCount: forcedCount ?? details.instance_count,
    Market: 'spot' in market ? 'SPOT' : 'ON_DEMAND',
  };
  if ('spot' in market) group.BidPrice = String(market.spot.bid_price);
  if (details.ebs_volume_size) {
    group.EbsConfiguration = {
      EbsBlockDeviceConfigs: [
        {
          VolumeSpecification: { VolumeType: 'gp2', SizeInGB: details.ebs_volume_size },
          VolumesPerInstance: 1,
        },
      ],
    };
  }
  return group;
}

function configuration(c: EmrConfiguration): Configuration {
  return {
    ...(c.classification && { Classification: c.classification }),
    ...(c.configurations && { Configurations: c.configurations.map(configuration) }),
    ...(c.properties && { Properties: c.properties }),
  };
}
