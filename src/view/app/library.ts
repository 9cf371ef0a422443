/**
 * The library: the registry's processes as `tc get process` lists them (newest first), with the args
 * and the duration, a search and a status filter; each row opens the player, downloads the `.tcr`, or
 * deletes the process after a confirmation.
 */
import { humanBytes, humanDuration, relativeTime } from '../../human.js';
import type { Backend, ProcessRow } from './data.js';
import { count, h } from './ui.js';

const exitText = (p: ProcessRow) => (p.exitCode === undefined ? p.status : p.status === 'exited' ? `exit ${p.exitCode}` : `${p.status} (${p.exitCode})`);

export async function renderLibrary(root: HTMLElement, backend: Backend): Promise<void> {
  let rows = await backend.processes();
  const query = location.search;
  const search = h('input', { type: 'search', placeholder: 'search id, module, args', 'aria-label': 'search recordings', class: 'search' });
  const statuses = ['all', ...new Set(rows.map((r) => r.status))];
  const status = h('select', { 'aria-label': 'status' }, ...statuses.map((s) => h('option', { value: s }, s === 'all' ? 'every status' : s)));
  const body = h('tbody');
  const summary = h('span', { class: 'muted' });
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const shown = rows.filter((p) => (status.value === 'all' || p.status === status.value) && (!q || [p.id, p.module?.name ?? '', ...(p.args ?? [])].join(' ').toLowerCase().includes(q)));
    summary.textContent = `${count(shown.length)} of ${count(rows.length)} recordings`;
    const now = new Date();
    body.replaceChildren(
      ...shown.map((p) => {
        const open = `/p/${p.id}${query}`;
        const duration = p.startTime && p.endTime ? humanDuration((Date.parse(p.endTime) - Date.parse(p.startTime)) * 1e6) : '';
        const exportUrl = backend.exportUrl(p.id);
        return h(
          'tr',
          { 'data-id': p.id },
          h('td', {}, h('a', { href: open, class: 'link mono' }, p.id)),
          h('td', { title: p.startTime ? new Date(p.startTime).toUTCString() : '' }, p.startTime ? relativeTime(p.startTime, now) : '(unknown)'),
          h('td', {}, p.module?.name ?? '(unknown)'),
          h('td', { class: 'args mono' }, (p.args ?? []).slice(1).join(' ')),
          h('td', { class: `status ${p.status}` }, exitText(p)),
          h('td', { class: 'num' }, count(p.records)),
          h('td', { class: 'num' }, duration),
          h('td', { class: 'num' }, humanBytes(p.size)),
          h(
            'td',
            { class: 'actions' },
            h('a', { href: open, class: 'button' }, 'Open'),
            exportUrl ? h('a', { href: exportUrl, download: `${p.id}.tcr`, class: 'button' }, 'Download') : null,
            backend.writable
              ? h(
                  'button',
                  {
                    class: 'danger',
                    onclick: async () => {
                      if (!confirm(`Delete process ${p.id}? Its log and notes are removed from the registry.`)) return;
                      try {
                        await backend.remove(p.id);
                        rows = rows.filter((r) => r.id !== p.id);
                        draw();
                      } catch (e) {
                        alert(`tc: ${(e as Error).message}`);
                      }
                    },
                  },
                  'Delete',
                )
              : null,
          ),
        );
      }),
    );
  };
  search.addEventListener('input', draw);
  status.addEventListener('change', draw);
  draw();
  root.replaceChildren(
    h(
      'div',
      { class: 'library' },
      h('header', { class: 'bar' }, h('strong', {}, 'tc'), h('span', { class: 'muted' }, backend.mode === 'archive' ? 'an exported recording' : 'recordings in the registry'), h('span', { class: 'spacer-flex' }), search, status, summary),
      rows.length === 0
        ? h('p', { class: 'empty' }, 'No recordings yet. Record one with ', h('code', {}, 'tc run app.wasm'), '.')
        : h('table', { class: 'processes' }, h('thead', {}, h('tr', {}, ...['process id', 'start', 'module', 'args', 'exit', 'records', 'duration', 'size', ''].map((c) => h('th', {}, c)))), body),
    ),
  );
}
