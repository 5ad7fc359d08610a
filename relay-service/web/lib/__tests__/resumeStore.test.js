import { forgetResume, markResumeShared, readResume, resumeRef, saveResume } from '../resumeStore.js';

const joined = { participantId: 'p_1', ticket: 't'.repeat(43), wsUrl: 'wss://relay.example/ws' };

describe('resume store', () => {
  beforeEach(() => localStorage.clear());

  it('keeps the join answer under the link, without contact details, and not yet shared', () => {
    const ref = resumeRef({ token: 'abc' });
    saveResume(ref, { ...joined, contact: { email: 'ada@example.com' } });
    expect(readResume(ref)).toMatchObject({ ...joined, shared: false });
    expect(JSON.stringify(localStorage)).not.toContain('ada@example.com');
  });

  it('remembers that the participant shared, so a reopened tab offers Resume sharing', () => {
    const ref = resumeRef({ key: '123456789' });
    saveResume(ref, joined);
    markResumeShared(ref);
    expect(readResume(ref)?.shared).toBe(true);
    expect(readResume(resumeRef({ key: '987654321' }))).toBeNull();
  });

  it('marks nothing when nothing was kept, and forgets on request', () => {
    const ref = resumeRef({ token: 'gone' });
    markResumeShared(ref);
    expect(readResume(ref)).toBeNull();
    saveResume(ref, joined);
    forgetResume(ref);
    expect(readResume(ref)).toBeNull();
  });

  it('drops an entry that does not read back as one', () => {
    const ref = resumeRef({ token: 'bad' });
    localStorage.setItem(`sightline.resume.${ref}`, JSON.stringify({ ref, ticket: 'short' }));
    expect(readResume(ref)).toBeNull();
    expect(localStorage.getItem(`sightline.resume.${ref}`)).toBeNull();
  });
});
