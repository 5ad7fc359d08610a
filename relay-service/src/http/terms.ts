// What a guest agrees to before joining (shown by the join page from `POST /api/join/lookup`).
export function termsText(hostName: string, recordingPrompt: boolean): string {
  return [
    `${hostName} will see only what you choose to share, and only after you allow it.`,
    'You can stop sharing or leave at any moment. Nothing is installed on your device.',
    'Your name and contact details, and a log of the session, are saved with your support case.',
    recordingPrompt ? 'You will be asked whether the session may be recorded; you may refuse.' : '',
  ]
    .filter(Boolean)
    .join(' ');
}
