export { freePort, RedisProcess } from '@switchboard/test-utils/redis';
