// The relay's one Redis connection in cluster mode (redis.url). Commands fail at once while it is
// down instead of queueing (each user has its own fallback); ioredis reconnects on its own.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const log = logger.child({ component: 'redis' });
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) log.error({ err: err.message }, 'redis unreachable; retrying');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info('redis reachable again');
    down = false;
  });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`redis.url is set but Redis does not answer (${(err as Error).message})`, { cause: err });
  }
  return redis;
}
