import { checkShareCapability } from '../capabilities.js';

const desktop = () => ({
  navigator: { mediaDevices: { getDisplayMedia() {}, getUserMedia() {} } },
  VideoEncoder: function VideoEncoder() {},
  WebSocket: function WebSocket() {},
});

describe('checkShareCapability', () => {
  it('a desktop browser shares its screen', () => {
    expect(checkShareCapability(desktop())).toEqual({ ok: true, source: 'screen' });
  });

  it('a phone (no getDisplayMedia, a camera) shares its camera and is told why', () => {
    const phone = desktop();
    delete phone.navigator.mediaDevices.getDisplayMedia;
    const found = checkShareCapability(phone);
    expect(found.ok).toBe(true);
    expect(found.source).toBe('camera');
    expect(found.reason).toMatch(/cannot share its screen .*chat .*camera/);
  });

  it('without a camera or WebCodecs either, nothing can be shared', () => {
    const bare = desktop();
    bare.navigator.mediaDevices = {};
    expect(checkShareCapability(bare).ok).toBe(false);
    const old = desktop();
    delete old.navigator.mediaDevices.getDisplayMedia;
    delete old.VideoEncoder;
    expect(checkShareCapability(old).ok).toBe(false);
  });
});
