import type { TaskDefinition } from '../api/types.js';
import { layoutDag } from './dag-layout.js';

// Lays out big DAGs off the main thread, so the rest of the page paints meanwhile.
self.onmessage = (event: MessageEvent<TaskDefinition[]>) => {
  self.postMessage(layoutDag(event.data));
};
