export { browserBundleProblems } from './browser-bundle.ts';
export type { Hub } from './channel-hub.ts';
export { agentPrincipal, collect, harness } from './channel-hub.ts';
export { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from './chromium.ts';
export {
  describeWithRedis,
  describeWithService,
  probeRedis,
  REDIS_URL,
  redactUrl,
  type ServiceProbe,
} from './redis.ts';
