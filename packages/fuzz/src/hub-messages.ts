/** IPC between the soak and its hub child. */
export type ChildMessage =
  | { type: 'ready'; url: string; pid: number }
  | { type: 'memory'; heapUsed: number; rss: number; heapPeak: number; rssPeak: number }
  | { type: 'final'; heapPeak: number; rssPeak: number; connections: number };

export type ParentMessage = { type: 'stop' };
