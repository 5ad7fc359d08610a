import { RelaySocket, socketUrl } from '../relaySocket.js';
import { decodeAck, encodeFrame } from '../../../src/protocol/frame.ts';

class FakeWebSocket {
  static instances = [];
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.bufferedAmount = 0;
    FakeWebSocket.instances.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(data) {
    this.onmessage?.({ data });
  }
  send(data) {
    this.sent.push(data);
  }
  close(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const welcome = JSON.stringify({
  type: 'welcome',
  protocol: 1,
  participantId: 'p1',
  role: 'guest',
  resume: 'resume-secret-0123456789',
  session: {
    id: 's1',
    key: '1234',
    status: 'waiting',
    record: { crm: 'salesforce', id: '500000000000001AAA', label: 'Case' },
    participants: [],
    lobby: [],
    presenterId: null,
    handover: null,
    controllerId: null,
    paused: false,
    recording: 'off',
    streams: [],
    decoders: ['av1', 'vp9', 'vp8', 'h264'],
  },
});

describe('relay socket', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    FakeWebSocket.instances = [];
  });
  afterEach(() => jest.useRealTimers());

  it('builds the socket URL with the ticket', () => {
    expect(socketUrl('http://relay.test/ws', 'abc')).toBe('ws://relay.test/ws?ticket=abc');
    expect(socketUrl('wss://relay.test/ws?ticket=x', 'abc')).toBe('wss://relay.test/ws?ticket=x');
  });

  it('acknowledges every frame it receives with its stream and sequence, and nothing else', () => {
    const socket = new RelaySocket({ wsUrl: 'ws://relay.test/ws', ticket: 't', WebSocketImpl: FakeWebSocket });
    socket.connect();
    const ws = FakeWebSocket.instances[0];
    ws.open();
    ws.receive(welcome);
    const said = ws.sent.length; // the hello
    const frame = encodeFrame({ stream: 2, sequence: 77, captureTimeMs: 1, keyframe: false }, new Uint8Array(5));
    ws.receive(frame.buffer);
    ws.receive(new Uint8Array([1, 2, 3]).buffer); // not a frame: no ack
    expect(ws.sent).toHaveLength(said + 1);
    expect(decodeAck(ws.sent[said])).toEqual({ stream: 2, sequence: 77 });
  });

  it('validates server messages and passes binary frames through', () => {
    const socket = new RelaySocket({ wsUrl: 'ws://relay.test/ws', ticket: 't', WebSocketImpl: FakeWebSocket });
    const messages = [];
    const errors = [];
    const frames = [];
    socket.addEventListener('message', (e) => messages.push(e.detail.type));
    socket.addEventListener('protocol-error', (e) => errors.push(e.detail));
    socket.addEventListener('frame', (e) => frames.push(e.detail));
    socket.connect();
    const ws = FakeWebSocket.instances[0];
    ws.open();
    ws.receive(welcome);
    ws.receive('{"type":"nonsense"}');
    ws.receive(new Uint8Array([1, 2, 3]).buffer);
    expect(messages).toEqual(['welcome']);
    expect(errors).toHaveLength(1);
    expect([...frames[0]]).toEqual([1, 2, 3]);
    expect(socket.send({ type: 'chat', text: 'hi' })).toBe(true);
    expect(ws.sent).toEqual(['{"type":"hello","protocol":1}', '{"type":"chat","text":"hi"}']);
  });

  it('reconnects with the same ticket after a drop, with growing delays', () => {
    const socket = new RelaySocket({ wsUrl: 'ws://relay.test/ws', ticket: 't', WebSocketImpl: FakeWebSocket });
    const states = [];
    socket.addEventListener('state', (e) => states.push(e.detail));
    socket.connect();
    FakeWebSocket.instances[0].open();
    FakeWebSocket.instances[0].close(1006);
    expect(socket.send({ type: 'ping', t: 1 })).toBe(false);
    jest.advanceTimersByTime(400);
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(FakeWebSocket.instances[1].url).toBe('ws://relay.test/ws?ticket=t');
    FakeWebSocket.instances[1].close(1006);
    jest.advanceTimersByTime(300);
    expect(FakeWebSocket.instances).toHaveLength(2); // second delay is longer
    jest.advanceTimersByTime(400);
    expect(FakeWebSocket.instances).toHaveLength(3);
    FakeWebSocket.instances[2].open();
    expect(states).toEqual(['open', 'reconnecting', 'open']);
  });

  it('keeps the session current from the welcome and each patch', () => {
    const socket = new RelaySocket({ wsUrl: 'ws://relay.test/ws', ticket: 't', WebSocketImpl: FakeWebSocket });
    const sessions = [];
    socket.addEventListener('session', (e) => sessions.push(e.detail));
    socket.connect();
    const ws = FakeWebSocket.instances[0];
    ws.open();
    ws.receive(welcome);
    const host = { id: 'h1', role: 'host', displayName: 'Alex', contact: {}, connected: true, joinedAt: '' };
    ws.receive(JSON.stringify({ type: 'patch', patch: { set: { status: 'in_progress' } } }));
    ws.receive(JSON.stringify({ type: 'patch', patch: { set: {}, participants: { upsert: [host], remove: [] } } }));
    ws.receive(
      JSON.stringify({
        type: 'patch',
        patch: { set: {}, participants: { upsert: [{ ...host, connected: false }], remove: [] } },
      }),
    );
    expect(sessions.map((s) => [s.status, s.participants.map((p) => p.connected)])).toEqual([
      ['waiting', []],
      ['in_progress', []],
      ['in_progress', [true]],
      ['in_progress', [false]],
    ]);
    expect(sessions[3].record.label).toBe('Case');
  });

  it('reconnects with the resume secret its last socket was given', () => {
    const socket = new RelaySocket({ wsUrl: 'ws://relay.test/ws', ticket: 't', WebSocketImpl: FakeWebSocket });
    socket.connect();
    FakeWebSocket.instances[0].open();
    FakeWebSocket.instances[0].receive(welcome);
    FakeWebSocket.instances[0].close(1006);
    jest.advanceTimersByTime(400);
    expect(FakeWebSocket.instances[1].url).toBe('ws://relay.test/ws?ticket=t&resume=resume-secret-0123456789');
  });

  it('asks where the session is before reconnecting, and goes there (a node failed, another holds it)', async () => {
    const answers = [{ wsUrl: 'ws://other-node.test/ws', ticket: 't2' }, null];
    const locate = jest.fn(() => Promise.resolve(answers.shift()));
    const socket = new RelaySocket({ wsUrl: 'ws://relay.test/ws', ticket: 't', WebSocketImpl: FakeWebSocket, locate });
    socket.connect();
    FakeWebSocket.instances[0].open();
    FakeWebSocket.instances[0].receive(welcome);
    FakeWebSocket.instances[0].close(1006);
    await jest.advanceTimersByTimeAsync(400);
    expect(locate).toHaveBeenCalledTimes(1);
    expect(FakeWebSocket.instances[1].url).toBe('ws://other-node.test/ws?ticket=t2&resume=resume-secret-0123456789');
    // No node can say (null): it tries where it was last, with the ticket it holds now.
    FakeWebSocket.instances[1].close(1006);
    await jest.advanceTimersByTimeAsync(700);
    expect(locate).toHaveBeenCalledTimes(2);
    expect(FakeWebSocket.instances[2].url).toBe('ws://other-node.test/ws?ticket=t2&resume=resume-secret-0123456789');
  });

  it('reconnects where it was when asking where the session is fails', async () => {
    const locate = jest.fn(() => Promise.reject(new Error('offline')));
    const socket = new RelaySocket({ wsUrl: 'ws://relay.test/ws', ticket: 't', WebSocketImpl: FakeWebSocket, locate });
    socket.connect();
    FakeWebSocket.instances[0].open();
    FakeWebSocket.instances[0].close(1006);
    await jest.advanceTimersByTimeAsync(400);
    expect(FakeWebSocket.instances[1].url).toBe('ws://relay.test/ws?ticket=t');
  });

  it('does not reconnect after the session ended or a fatal close', () => {
    const ended = new RelaySocket({ wsUrl: 'ws://r/ws', ticket: 't', WebSocketImpl: FakeWebSocket });
    ended.connect();
    FakeWebSocket.instances[0].open();
    FakeWebSocket.instances[0].receive(JSON.stringify({ type: 'ended', reason: 'host_ended' }));
    FakeWebSocket.instances[0].close(1000);
    expect(ended.state).toBe('closed');
    const refused = new RelaySocket({ wsUrl: 'ws://r/ws', ticket: 't', WebSocketImpl: FakeWebSocket });
    refused.connect();
    FakeWebSocket.instances[1].close(1008);
    jest.advanceTimersByTime(10_000);
    expect(refused.state).toBe('failed');
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('waits out a simulated outage before reconnecting', () => {
    const socket = new RelaySocket({ wsUrl: 'ws://r/ws', ticket: 't', WebSocketImpl: FakeWebSocket });
    socket.connect();
    FakeWebSocket.instances[0].open();
    socket.drop(3000);
    expect(socket.state).toBe('reconnecting');
    jest.advanceTimersByTime(2900);
    expect(FakeWebSocket.instances).toHaveLength(1);
    jest.advanceTimersByTime(200);
    expect(FakeWebSocket.instances).toHaveLength(2);
  });

  it('pings, and treats a silent connection as dropped', () => {
    const socket = new RelaySocket({ wsUrl: 'ws://r/ws', ticket: 't', WebSocketImpl: FakeWebSocket });
    socket.connect();
    const ws = FakeWebSocket.instances[0];
    ws.open();
    jest.advanceTimersByTime(10_000);
    expect(ws.sent.map((m) => JSON.parse(m).type)).toEqual(['hello', 'ping']);
    jest.advanceTimersByTime(20_000);
    expect(socket.state).toBe('reconnecting');
  });
});
