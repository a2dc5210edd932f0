import { AwsError } from '../aws-error.js';

/** One stored CloudWatch Logs event. */
export interface StoredLogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

export interface LogStream {
  name: string;
  creationTime: number;
  /** Sorted by timestamp (stable), as GetLogEvents returns them. */
  events: StoredLogEvent[];
  storedBytes: number;
}

export interface LogGroup {
  name: string;
  creationTime: number;
  streams: Map<string, LogStream>;
}

/**
 * CloudWatch Logs data. The HTTP service and the Batch/ECS process runners both write here, so a
 * job's output is visible through GetLogEvents exactly like the awslogs driver would make it.
 */
export class LogStore {
  readonly groups = new Map<string, LogGroup>();
  private nextEventId = 1;

  constructor(initialGroups: string[] = []) {
    for (const g of initialGroups) this.createGroup(g);
  }

  createGroup(name: string): LogGroup {
    if (this.groups.has(name)) {
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
    }
    const group: LogGroup = { name, creationTime: Date.now(), streams: new Map() };
    this.groups.set(name, group);
    return group;
  }

  group(name: string): LogGroup {
    const group = this.groups.get(name);
    if (!group) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }

  createStream(groupName: string, streamName: string): LogStream {
    const group = this.group(groupName);
    if (group.streams.has(streamName)) {
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
    }
    const stream: LogStream = { name: streamName, creationTime: Date.now(), events: [], storedBytes: 0 };
    group.streams.set(streamName, stream);
    return stream;
  }

  stream(groupName: string, streamName: string): LogStream {
    const stream = this.group(groupName).streams.get(streamName);
    if (!stream) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
    return stream;
  }

  /** For the emulated log drivers: creates group and stream when needed. */
  ensureStream(groupName: string, streamName: string): LogStream {
    const group = this.groups.get(groupName) ?? this.createGroup(groupName);
    return group.streams.get(streamName) ?? this.createStream(groupName, streamName);
  }

  append(stream: LogStream, events: { timestamp: number; message: string }[]): void {
    const now = Date.now();
    for (const e of events) {
      const stored: StoredLogEvent = {
        timestamp: e.timestamp,
        message: e.message,
        ingestionTime: now,
        eventId: String(this.nextEventId++).padStart(56, '0'),
      };
      // Insert after every event with a timestamp <= this one: keeps arrival order among equals.
      let i = stream.events.length;
      while (i > 0 && (stream.events[i - 1]?.timestamp ?? 0) > stored.timestamp) i--;
      stream.events.splice(i, 0, stored);
      stream.storedBytes += Buffer.byteLength(e.message) + 26;
    }
  }
}
