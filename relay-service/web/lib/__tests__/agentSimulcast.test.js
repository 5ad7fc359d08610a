import { AgentSession } from '../agentSession.js';

class FakeSocket extends EventTarget {
  sent = [];
  send(message) {
    this.sent.push(message);
    return true;
  }
  close() {}
  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

const VP9 = { stream: 0, codec: 'vp09.00.10.08', codedWidth: 1280, codedHeight: 720, surface: 'browser' };
const LOW = { ...VP9, stream: 1, codedWidth: 640, codedHeight: 360, simulcastOf: 0 };

describe('AgentSession with a simulcast presenter', () => {
  it('shows the stream, takes its renditions in its place, and never treats a rendition as the stream', () => {
    const socket = new FakeSocket();
    const session = new AgentSession({ wsUrl: '/ws', ticket: 't' }, { socket });
    const live = [];
    session.addEventListener('live', (e) => live.push(e.detail));
    socket.emit('message', { type: 'stream-start', config: VP9 });
    socket.emit('message', { type: 'stream-start', config: LOW });
    expect(session.watch.pendingConfig).toEqual(VP9);
    socket.emit('session', { presenterId: 'p_customer', streams: [VP9, LOW] });
    expect(session.watch.pendingConfig).toEqual(VP9);
    expect(session.watch.renditions).toEqual([1]);
    socket.emit('message', { type: 'stream-stop', stream: 1 });
    expect(session.watch.pendingConfig).toEqual(VP9);
    expect(live).toEqual([]); // stopping a rendition does not end the picture
    socket.emit('message', { type: 'stream-stop', stream: 0 });
    expect(session.watch.pendingConfig).toBeNull();
    expect(live).toEqual([false]);
  });
});
