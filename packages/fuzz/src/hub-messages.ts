/** IPC between the soak and its hub child. */
export type ChildMessage =
  | { type: 'ready'; url: string; pid: number }
  | { type: 'memory'; heapUsed: number; rss: number; heapPeak: number; rssPeak: number }
  | {
      type: 'final';
      heapPeak: number;
      rssPeak: number;
      connections: number;
      /** The hub's event-loop delay over the run (perf_hooks.monitorEventLoopDelay), ms. */
      loopDelayP99Ms: number;
      loopDelayMaxMs: number;
      /** `error` events of the server and router: failures inside the hub. */
      hubErrors: number;
      hubErrorExamples: string[];
    };

/** `measure`: the run starts now, forget the loop delay of the start-up. */
export type ParentMessage = { type: 'stop' } | { type: 'measure' };
