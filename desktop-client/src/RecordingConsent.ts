// What the app shows about recording, from the session the relay sends: the question when the agent
// starts recording after this customer joined (snapshot `recording: 'asking'`, as on the join page),
// answered once with `recording-consent`, and the indicator for as long as the recording runs. Plain
// logic for the renderer (renderer/app.js draws it), so it is tested without Electron.
import type { SessionSnapshot } from '@sightline/relay-service/protocol';

export interface RecordingView {
  /** Show the question (Allow / Refuse). */
  ask: boolean;
  /** Show "this session is being recorded". */
  indicator: boolean;
}

type RecordingState = SessionSnapshot['recording'];

/** @param answered this customer's own answer, at join or to the question */
export function recordingView(state: RecordingState | undefined, answered: boolean | undefined): RecordingView {
  // 'asking' may be about another guest: a customer who answered is never asked again.
  return { ask: state === 'asking' && answered === undefined, indicator: state === 'on' };
}

export class RecordingConsent {
  readonly #guest: { recordingConsent(allow: boolean): void };
  readonly #render: (view: RecordingView) => void;
  #answered: boolean | undefined;
  #state: RecordingState | undefined;
  #shown: RecordingView | null = null;

  /**
   * @param guest the GuestSession
   * @param answeredAtJoin the answer to the join form's recording prompt, when it was asked
   * @param render called whenever what to show changes
   */
  constructor(
    guest: { recordingConsent(allow: boolean): void },
    answeredAtJoin: boolean | undefined,
    render: (view: RecordingView) => void,
  ) {
    this.#guest = guest;
    this.#answered = answeredAtJoin;
    this.#render = render;
  }

  /** The session now (GuestSession's `session` event). */
  follow(session: { recording?: RecordingState }): void {
    this.#state = session.recording;
    this.#update();
  }

  /** The customer's answer; sent once, only while the question is open. Returns whether it was sent. */
  answer(allow: boolean): boolean {
    if (!recordingView(this.#state, this.#answered).ask) return false;
    this.#answered = allow;
    this.#guest.recordingConsent(allow);
    this.#update();
    return true;
  }

  #update(): void {
    const view = recordingView(this.#state, this.#answered);
    if (this.#shown?.ask === view.ask && this.#shown.indicator === view.indicator) return;
    this.#shown = view;
    this.#render(view);
  }
}
