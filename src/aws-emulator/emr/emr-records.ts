import { epochSeconds } from '../ids.js';
import type { RunningProcess } from '../process-runner.js';
import type { JsonObject } from '../types.js';
import type { InstanceUnitRecord } from './emr-instances.js';

/** In-memory EMR clusters and steps, and how they look on the wire. */

export type ClusterState =
  | 'STARTING'
  | 'BOOTSTRAPPING'
  | 'RUNNING'
  | 'WAITING'
  | 'TERMINATING'
  | 'TERMINATED'
  | 'TERMINATED_WITH_ERRORS';

export type StepState =
  | 'PENDING'
  | 'CANCEL_PENDING'
  | 'RUNNING'
  | 'COMPLETED'
  | 'CANCELLED'
  | 'FAILED'
  | 'INTERRUPTED';

export interface Reason {
  Code?: string;
  Message?: string;
}

export interface StepRecord {
  id: string;
  name: string;
  actionOnFailure: string;
  jar: string;
  mainClass?: string;
  args: string[];
  properties: Record<string, string>;
  state: StepState;
  reason?: Reason;
  failure?: { Reason: string; Message: string; LogFile?: string };
  created: number;
  started?: number;
  ended?: number;
  process?: RunningProcess;
  /** Set by the hanging-step fault: no process, runs until cancelled or the cluster ends. */
  hanging: boolean;
  stdout: Buffer[];
  stderr: Buffer[];
  /** How the step ends if its process dies because someone stopped it (cancel, termination, spot loss). */
  stopOutcome?: { state: 'CANCELLED' | 'FAILED'; failure?: StepRecord['failure'] };
}

export interface ClusterRecord {
  id: string;
  arn: string;
  name: string;
  state: ClusterState;
  reason: Reason;
  created: number;
  ready?: number;
  ended?: number;
  logUri?: string;
  releaseLabel?: string;
  applications: JsonObject[];
  tags: { Key: string; Value: string }[];
  keepAlive: boolean;
  terminationProtected: boolean;
  visibleToAllUsers: boolean;
  serviceRole?: string;
  jobFlowRole?: string;
  subnetId?: string;
  masterInstanceType?: string;
  /** RunJobFlow's `Instances` as sent (instance groups, markets, bid prices), for the state dump. */
  requestedInstances?: JsonObject;
  /** RunJobFlow's AutoTerminationPolicy (GetAutoTerminationPolicy answers it; not enforced here). */
  autoTerminationPolicy?: JsonObject;
  /** Instance groups or fleets as requested, with their own state-change reasons. */
  instances: InstanceUnitRecord[];
  bootstrapFails: boolean;
  /** Set by the insufficient-capacity fault: no spot capacity came. */
  noSpotCapacity: boolean;
  steps: StepRecord[];
}

const TERMINAL_STEP: StepState[] = ['COMPLETED', 'CANCELLED', 'FAILED', 'INTERRUPTED'];
export const isTerminalStep = (s: StepRecord) => TERMINAL_STEP.includes(s.state);
export const isEndingCluster = (c: ClusterRecord) => c.state.startsWith('TERMINAT');

function clean(o: Record<string, unknown>): JsonObject {
  return JSON.parse(JSON.stringify(o)) as JsonObject;
}

export function clusterStatus(c: ClusterRecord): JsonObject {
  return clean({
    State: c.state,
    StateChangeReason: c.reason,
    Timeline: {
      CreationDateTime: epochSeconds(c.created),
      ReadyDateTime: c.ready && epochSeconds(c.ready),
      EndDateTime: c.ended && epochSeconds(c.ended),
    },
  });
}

export function clusterOutput(c: ClusterRecord): JsonObject {
  return clean({
    Id: c.id,
    Name: c.name,
    ClusterArn: c.arn,
    Status: clusterStatus(c),
    Ec2InstanceAttributes: { Ec2SubnetId: c.subnetId, IamInstanceProfile: c.jobFlowRole },
    LogUri: c.logUri,
    ReleaseLabel: c.releaseLabel,
    Applications: c.applications,
    Tags: c.tags,
    AutoTerminate: !c.keepAlive,
    TerminationProtected: c.terminationProtected,
    VisibleToAllUsers: c.visibleToAllUsers,
    ServiceRole: c.serviceRole,
    NormalizedInstanceHours: 0,
    MasterPublicDnsName: `ip-127-0-0-1.ec2.internal`,
    InstanceCollectionType: c.instances.some((u) => u.kind === 'fleet') ? 'INSTANCE_FLEET' : 'INSTANCE_GROUP',
  });
}

export function clusterSummary(c: ClusterRecord): JsonObject {
  return clean({
    Id: c.id,
    Name: c.name,
    ClusterArn: c.arn,
    Status: clusterStatus(c),
    NormalizedInstanceHours: 0,
  });
}

export function stepOutput(s: StepRecord): JsonObject {
  return clean({
    Id: s.id,
    Name: s.name,
    ActionOnFailure: s.actionOnFailure,
    Config: { Jar: s.jar, MainClass: s.mainClass, Args: s.args, Properties: s.properties },
    Status: {
      State: s.state,
      StateChangeReason: s.reason ?? {},
      FailureDetails: s.failure,
      Timeline: {
        CreationDateTime: epochSeconds(s.created),
        StartDateTime: s.started && epochSeconds(s.started),
        EndDateTime: s.ended && epochSeconds(s.ended),
      },
    },
  });
}

/** What goes to `GET /_emulator/state`: no buffers or process handles. */
export function clusterState(c: ClusterRecord): JsonObject {
  return clean({
    ...clusterOutput(c),
    RequestedInstances: c.requestedInstances,
    AutoTerminationPolicy: c.autoTerminationPolicy,
    InstanceUnits: c.instances.map((u) => ({
      Id: u.id,
      Role: u.role,
      Kind: u.kind,
      Lost: u.lost,
      SwitchedToOnDemand: u.switched,
      StateChangeReason: u.reason,
    })),
    Steps: c.steps.map((s) => ({ ...stepOutput(s), Hanging: s.hanging || undefined })),
  });
}
