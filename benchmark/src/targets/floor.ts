// Sessions on the floor forwarder: a room id in the URL is all there is to it.
import type { SessionSpec } from '../load/messages.ts';
import type { Provision } from '../SessionPool.ts';

export function floorProvision(url: string): Provision {
  let made = 0;
  return async (count, viewers) =>
    Array.from({ length: count }, (): SessionSpec => {
      const id = `floor-${++made}`;
      const room = `${url}?room=${id}`;
      return { id, kind: 'floor', presenterUrl: room, viewerUrls: Array.from({ length: viewers }, () => room) };
    });
}
