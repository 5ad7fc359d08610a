// The always-visible bar on the shared monitor: Stop sharing, Take back control, Leave.
const LABELS = {
  pause: 'Hide screen',
  resume: 'Show screen',
  stop: 'Stop sharing',
  'take-back': 'Take back control',
  leave: 'Leave',
};
const status = document.getElementById('status');
const actions = document.getElementById('actions');

window.sightline.onMode(({ mode, actions: names, color }) => {
  status.textContent =
    mode === 'controlled'
      ? 'The agent controls your screen'
      : mode === 'paused'
        ? 'Your screen is hidden'
        : 'Your screen is visible';
  document.body.style.borderBottom = `3px solid ${color}`;
  actions.replaceChildren(
    ...names.map((name) => {
      const b = document.createElement('button');
      b.textContent = LABELS[name];
      b.addEventListener('click', () => window.sightline.action(name));
      return b;
    }),
  );
});
