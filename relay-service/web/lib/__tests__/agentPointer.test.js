import { AgentSession } from '../agentSession.js';

class FakeSocket extends EventTarget {
  sent = [];
  send(message) {
    this.sent.push(message);
    return true;
  }
  close() {}
}

describe('AgentSession pointer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('throttles moves but always sends where the pointer stopped', () => {
    const socket = new FakeSocket();
    const session = new AgentSession({ wsUrl: '/ws', ticket: 't' }, { socket });
    session.pointer(0.5, 0.5, true);
    session.pointer(0.4, 0.6, true);
    session.pointer(0.25, 0.8, true); // the agent stops here, inside the throttle interval
    expect(socket.sent).toEqual([{ type: 'pointer', x: 0.5, y: 0.5, visible: true }]);
    jest.advanceTimersByTime(40);
    expect(socket.sent.at(-1)).toEqual({ type: 'pointer', x: 0.25, y: 0.8, visible: true });
    expect(socket.sent).toHaveLength(2);
    jest.advanceTimersByTime(100);
    expect(socket.sent).toHaveLength(2);
  });

  it('hiding the pointer goes out at once and cancels a pending move', () => {
    const socket = new FakeSocket();
    const session = new AgentSession({ wsUrl: '/ws', ticket: 't' }, { socket });
    session.pointer(0.5, 0.5, true);
    session.pointer(0.6, 0.6, true);
    session.pointer(0, 0, false);
    jest.advanceTimersByTime(100);
    expect(socket.sent.map((m) => m.visible)).toEqual([true, false]);
  });
});
