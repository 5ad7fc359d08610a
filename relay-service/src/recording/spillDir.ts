// Where recordings continue past their memory bound: a private directory under the relay's data dir.
import { join } from 'node:path';
import type { SightlineConfig } from '@sightline/config';

export function recordingSpillDir(config: SightlineConfig): string {
  return join(config.relay.dataDir, 'recordings');
}
