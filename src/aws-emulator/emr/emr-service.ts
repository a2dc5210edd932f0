import type {
  AddJobFlowStepsInput,
  AddTagsInput,
  CancelStepsInput,
  DescribeClusterInput,
  DescribeStepInput,
  GetAutoTerminationPolicyInput,
  ListClustersInput,
  ListInstanceFleetsInput,
  ListInstanceGroupsInput,
  ListStepsInput,
  RunJobFlowInput,
  StepConfig,
  TerminateJobFlowsInput,
} from '@aws-sdk/client-emr';
import { AwsError } from '../aws-error.js';
import { type EmulatorContext, type JsonService, typed } from '../context.js';
import { emrId } from '../ids.js';
import { offsetToken, parseOffsetToken } from '../logs/log-tokens.js';
import type { JsonObject } from '../types.js';
import { instanceFleetOutput, instanceGroupOutput, instanceUnits, isSpotUnit } from './emr-instances.js';
import { EmrLifecycle } from './emr-lifecycle.js';
import {
  type ClusterRecord,
  clusterOutput,
  clusterState,
  clusterSummary,
  isEndingCluster,
  isTerminalStep,
  type StepRecord,
  stepOutput,
} from './emr-records.js';

/** EMR as the service, plus the spot-interruption fault which acts on a live cluster. */
export interface EmrService extends JsonService {
  spotInterrupt(clusterId: string, role: 'MASTER' | 'CORE' | 'TASK'): void;
}

/** Amazon EMR (JSON 1.1, target prefix `ElasticMapReduce`). */
export function createEmrService(ctx: EmulatorContext): EmrService {
  const clusters = new Map<string, ClusterRecord>();
  const lifecycle = new EmrLifecycle(ctx);
  const { region, accountId } = ctx.config;

  const cluster = (id: string | undefined): ClusterRecord => {
    const c = id ? clusters.get(id) : undefined;
    if (!c)
      throw new AwsError('InvalidRequestException', `Cluster id '${id}' is not valid.`, 400, {
        ErrorCode: 'INVALID_CLUSTER_ID',
      });
    return c;
  };

  const newStep = (config: StepConfig): StepRecord => ({
    id: emrId('s'),
    name: config.Name ?? '',
    actionOnFailure: config.ActionOnFailure ?? 'CONTINUE',
    jar: config.HadoopJarStep?.Jar ?? '',
    mainClass: config.HadoopJarStep?.MainClass,
    args: config.HadoopJarStep?.Args ?? [],
    properties: Object.fromEntries(
      (config.HadoopJarStep?.Properties ?? []).map((p) => [p.Key ?? '', p.Value ?? '']),
    ),
    state: 'PENDING',
    created: Date.now(),
    hanging: false,
    stdout: [],
    stderr: [],
  });

  /** EMR pages with an opaque Marker; page size is an option so tests can exercise it. */
  const page = <T>(items: T[], marker: string | undefined) => {
    const start = parseOffsetToken(marker, 'InvalidRequestException');
    const size = ctx.config.pageSizes.emr;
    const next = start + size < items.length ? offsetToken(start + size) : undefined;
    return { items: items.slice(start, start + size), marker: next };
  };

  const withMarker = (out: JsonObject, marker: string | undefined): JsonObject =>
    marker ? { ...out, Marker: marker } : out;

  return {
    service: 'emr',
    state: () => ({ clusters: [...clusters.values()].map(clusterState) }),
    shutdown: () => lifecycle.shutdown(clusters.values()),
    spotInterrupt(clusterId, role) {
      lifecycle.spotInterrupt(cluster(clusterId), role);
    },
    operations: {
      RunJobFlow: (raw) => {
        const req = typed<RunJobFlowInput>(raw);
        // Tag `emulator:cluster-id` picks the id, to stand in for a known cluster (`j-123ABC456DEF9`).
        const id = req.Tags?.find((t) => t.Key === 'emulator:cluster-id')?.Value ?? emrId('j');
        if (clusters.has(id)) throw new AwsError('ValidationException', `Cluster ${id} already exists.`);
        const instances = instanceUnits(raw.Instances as JsonObject | undefined);
        const c: ClusterRecord = {
          id,
          arn: `arn:aws:elasticmapreduce:${region}:${accountId}:cluster/${id}`,
          name: req.Name ?? '',
          state: 'STARTING',
          reason: { Message: 'Configuring cluster software' },
          created: Date.now(),
          logUri: req.LogUri,
          releaseLabel: req.ReleaseLabel,
          applications: (req.Applications ?? []).map((a) => ({
            Name: a.Name ?? '',
            Version: '0.0.0-emulator',
          })),
          tags: (req.Tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })),
          keepAlive: req.Instances?.KeepJobFlowAliveWhenNoSteps ?? false,
          terminationProtected: req.Instances?.TerminationProtected ?? false,
          visibleToAllUsers: req.VisibleToAllUsers ?? true,
          serviceRole: req.ServiceRole,
          jobFlowRole: req.JobFlowRole,
          subnetId: req.Instances?.Ec2SubnetId,
          masterInstanceType: req.Instances?.MasterInstanceType,
          requestedInstances: raw.Instances as JsonObject | undefined,
          autoTerminationPolicy: raw.AutoTerminationPolicy as JsonObject | undefined,
          instances,
          bootstrapFails: ctx.faults.takeBootstrapFailure(),
          noSpotCapacity: instances.some(isSpotUnit) && ctx.faults.takeCapacityShortage(),
          steps: (req.Steps ?? []).map(newStep),
        };
        clusters.set(id, c);
        lifecycle.start(c);
        return { JobFlowId: id, ClusterArn: c.arn };
      },
      AddJobFlowSteps: (raw) => {
        const req = typed<AddJobFlowStepsInput>(raw);
        const c = cluster(req.JobFlowId);
        if (isEndingCluster(c)) {
          throw new AwsError(
            'ValidationException',
            'A job flow that is shutting down, terminated, or finished may not be modified.',
          );
        }
        const steps = (req.Steps ?? []).map(newStep);
        c.steps.push(...steps);
        lifecycle.pump(c);
        return { StepIds: steps.map((s) => s.id) };
      },
      DescribeCluster: (raw) => ({
        Cluster: clusterOutput(cluster(typed<DescribeClusterInput>(raw).ClusterId)),
      }),
      GetAutoTerminationPolicy: (raw): JsonObject => {
        const policy = cluster(typed<GetAutoTerminationPolicyInput>(raw).ClusterId).autoTerminationPolicy;
        return policy ? { AutoTerminationPolicy: policy } : {};
      },
      ListInstanceGroups: (raw) => {
        const req = typed<ListInstanceGroupsInput>(raw);
        const c = cluster(req.ClusterId);
        const { items, marker } = page(
          c.instances.filter((u) => u.kind === 'group'),
          req.Marker,
        );
        return withMarker({ InstanceGroups: items.map((u) => instanceGroupOutput(u, c)) }, marker);
      },
      ListInstanceFleets: (raw) => {
        const req = typed<ListInstanceFleetsInput>(raw);
        const c = cluster(req.ClusterId);
        const { items, marker } = page(
          c.instances.filter((u) => u.kind === 'fleet'),
          req.Marker,
        );
        return withMarker({ InstanceFleets: items.map((u) => instanceFleetOutput(u, c)) }, marker);
      },
      DescribeStep: (raw) => {
        const req = typed<DescribeStepInput>(raw);
        const step = cluster(req.ClusterId).steps.find((s) => s.id === req.StepId);
        if (!step) throw new AwsError('InvalidRequestException', `Step id '${req.StepId}' is not valid.`);
        return { Step: stepOutput(step) };
      },
      ListSteps: (raw) => {
        const req = typed<ListStepsInput>(raw);
        const steps = [...cluster(req.ClusterId).steps]
          .reverse()
          .filter((s) => !req.StepStates?.length || req.StepStates.includes(s.state))
          .filter((s) => !req.StepIds?.length || req.StepIds.includes(s.id));
        const { items, marker } = page(steps, req.Marker);
        return withMarker({ Steps: items.map(stepOutput) }, marker);
      },
      ListClusters: (raw) => {
        const req = typed<ListClustersInput>(raw);
        // Timestamps arrive as epoch seconds on the wire, whatever the SDK type says.
        const after = req.CreatedAfter as unknown as number | undefined;
        const before = req.CreatedBefore as unknown as number | undefined;
        const list = [...clusters.values()]
          .reverse()
          .filter((c) => !req.ClusterStates?.length || req.ClusterStates.includes(c.state))
          .filter(
            (c) =>
              (after === undefined || c.created >= after * 1000) &&
              (before === undefined || c.created <= before * 1000),
          );
        const { items, marker } = page(list, req.Marker);
        return withMarker({ Clusters: items.map(clusterSummary) }, marker);
      },
      TerminateJobFlows: (raw) => {
        const ids = typed<TerminateJobFlowsInput>(raw).JobFlowIds ?? [];
        const targets = ids.map((id) => {
          const c = clusters.get(id);
          if (!c) throw new AwsError('ValidationException', `Specified job flow ID not valid: ${id}`);
          return c;
        });
        if (targets.some((c) => c.terminationProtected)) {
          throw new AwsError(
            'ValidationException',
            'Could not shut down one or more job flows since they are termination protected.',
          );
        }
        for (const c of targets) {
          lifecycle.terminate(c, 'TERMINATED', {
            Code: 'USER_REQUEST',
            Message: 'Terminated by user request',
          });
        }
        return {};
      },
      CancelSteps: (raw) => {
        const req = typed<CancelStepsInput>(raw);
        const c = cluster(req.ClusterId);
        const signal = req.StepCancellationOption === 'TERMINATE_PROCESS' ? 'SIGKILL' : 'SIGTERM';
        const infos = (req.StepIds ?? []).map((id): JsonObject => {
          const step = c.steps.find((s) => s.id === id);
          if (!step) return { StepId: id, Status: 'FAILED', Reason: `Step id '${id}' is not valid.` };
          if (isTerminalStep(step) || step.state === 'CANCEL_PENDING') {
            return {
              StepId: id,
              Status: 'FAILED',
              Reason: `Step is in ${step.state} state and cannot be cancelled.`,
            };
          }
          lifecycle.stopStep(c, step, { state: 'CANCELLED' }, signal);
          return { StepId: id, Status: 'SUBMITTED' };
        });
        return { CancelStepsInfoList: infos };
      },
      AddTags: (raw) => {
        const req = typed<AddTagsInput>(raw);
        const c = cluster(req.ResourceId);
        for (const tag of req.Tags ?? []) {
          const existing = c.tags.find((t) => t.Key === tag.Key);
          if (existing) existing.Value = tag.Value ?? '';
          else c.tags.push({ Key: tag.Key ?? '', Value: tag.Value ?? '' });
        }
        return {};
      },
    },
  };
}
