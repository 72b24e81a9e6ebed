export { HubNode, type HubNodeOptions } from './hub-node.ts';
export { mulberry32, type Random } from './random.ts';
export { deleteLog } from './redis-keys.ts';
