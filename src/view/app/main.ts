/**
 * The player's entry: which page to show (the library, or the player of one process), from where the
 * data comes (tc view's API, or the recording inlined in an exported HTML file), and `window.tcPlayer`,
 * the automation hook (README, "tc view").
 */
import { fileBackend, httpBackend, type Backend } from './data.js';
import { renderLibrary } from './library.js';
import { Player, type PlayerApi } from './player.js';
import { count, h } from './ui.js';

declare global {
  interface Window {
    tcPlayer?: PlayerApi;
    /** Resolves once the page shows what it was opened for (the tests wait on it). */
    tcReady?: Promise<void>;
  }
}

async function openPlayer(root: HTMLElement, backend: Backend, id: string): Promise<void> {
  const progress = h('p', { class: 'loading' }, 'Loading the recording…');
  root.replaceChildren(progress);
  const rec = await backend.recording(id, (n, total) => (progress.textContent = `Loading the recording: segment ${count(n)} of ${count(total)}…`));
  performance.mark('tc:loaded');
  document.title = `tc · ${rec.manifest.module.name} · ${id.slice(0, 8)}`;
  const player = new Player(backend, rec.manifest, rec.annotations, rec.segments);
  performance.mark('tc:indexed');
  root.replaceChildren(player.element);
  window.tcPlayer = {
    seek: (r) => player.seek(r),
    play: () => player.play(),
    pause: () => player.pause(),
    state: () => player.state(),
    terminalText: () => player.terminalText(),
    reexecute: (o) => player.reexecute(o),
    memory: async (a, l) => Array.from(await player.memory(a, l)),
    notes: () => player.notesList(),
  };
}

async function main(): Promise<void> {
  const root = document.getElementById('app')!;
  const mode = document.currentScript?.getAttribute('data-mode');
  try {
    if (mode === 'file') {
      const backend = fileBackend(document.getElementById('tc-data')!);
      return await openPlayer(root, backend, backend.only!);
    }
    const backend = await httpBackend();
    const m = /^\/p\/([0-9a-f-]{36})$/.exec(location.pathname);
    if (m) return await openPlayer(root, backend, m[1]!);
    await renderLibrary(root, backend);
  } catch (e) {
    root.replaceChildren(h('p', { class: 'error' }, `tc: ${(e as Error).message}`));
    throw e;
  }
}

window.tcReady = main();
