// Child process entry: the floor forwarder, measured.
import { startFloorForwarder } from '../floor-forwarder.ts';
import { serveTargetIpc } from './child-side.ts';

const floor = await startFloorForwarder();
serveTargetIpc(floor.url, floor.close);
