// An init script for the join page: getDisplayMedia returns the scripted support scene, drawn on a
// canvas in real time at 30 frames/s (a screen capture delivers frames whether or not anything
// changed; the join page's own stillness gate decides what to send). Self-contained: it runs in the
// page as source text. Needs window.__supportScene (SCENE_SCRIPT) defined first.
import type { Scene } from './scene.ts';

export function installScriptedScreen(): void {
  const w = window as unknown as {
    __supportScene: () => Scene;
    __sceneStart?: number;
    __sceneCanvas?: HTMLCanvasElement;
  };
  const media = navigator.mediaDevices;
  if (!media) return;
  media.getDisplayMedia = async () => {
    const scene = w.__supportScene();
    const canvas = document.createElement('canvas');
    canvas.width = scene.width;
    canvas.height = scene.height;
    const g = canvas.getContext('2d')!;
    const start = performance.now();
    w.__sceneStart = performance.timeOrigin + start;
    w.__sceneCanvas = canvas;
    const tick = () => scene.draw(g, (performance.now() - start) / 1000);
    tick();
    setInterval(tick, 1000 / 30);
    return canvas.captureStream(30);
  };
}
