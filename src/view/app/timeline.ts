/**
 * The timeline: the run's recorded time on the x-axis, calls stacked by kind in columns (a log
 * scale), long idle stretches compressed into narrow hatched gaps, the position, the notes and a
 * divergence as markers. Wheel zooms around the pointer, drag (or shift+wheel) pans, click seeks,
 * hover names the call under the pointer.
 */
import { formatRecord } from '../../core/trace.js';
import { humanDuration } from '../../human.js';
import { KINDS, type LogIndex, type RecordStore } from './log.js';

/** A colour per kind, in KINDS order: files, stdio, clocks, random, args/env, poll, exit/trap, sockets. */
export const KIND_COLOURS = ['#4e9af1', '#3fb950', '#d2a8ff', '#f0883e', '#8b949e', '#39c5cf', '#f85149', '#e3b341'];

/** Time as drawn: each long gap becomes a stretch of {@link GAP_SHARE} of the run at most. */
const GAP_SHARE = 0.01;

class TimeMap {
  /** Knots of a piecewise-linear map from recorded time (ns) to drawn time. */
  private readonly raw: number[] = [];
  private readonly drawn: number[] = [];
  readonly gaps: { from: number; to: number; at: number; width: number }[] = [];
  constructor(index: LogIndex) {
    const span = Math.max(1, index.end - index.start);
    const gaps = [...index.gaps].sort((a, b) => a[0] - b[0]);
    let shift = 0;
    this.raw.push(index.start);
    this.drawn.push(0);
    for (const [a, b] of gaps) {
      const width = Math.min(b - a, span * GAP_SHARE);
      this.raw.push(a, b);
      this.drawn.push(a - index.start - shift, a - index.start - shift + width);
      this.gaps.push({ from: a, to: b, at: a - index.start - shift, width });
      shift += b - a - width;
    }
    this.raw.push(index.end);
    this.drawn.push(index.end - index.start - shift);
  }
  get length(): number {
    return Math.max(1, this.drawn[this.drawn.length - 1]!);
  }
  toDrawn(t: number): number {
    return this.interpolate(t, this.raw, this.drawn);
  }
  toRaw(d: number): number {
    return this.interpolate(d, this.drawn, this.raw);
  }
  private interpolate(v: number, xs: number[], ys: number[]): number {
    if (v <= xs[0]!) return ys[0]! + (v - xs[0]!);
    let lo = 0;
    let hi = xs.length - 1;
    if (v >= xs[hi]!) return ys[hi]! + (v - xs[hi]!);
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! <= v) lo = mid;
      else hi = mid;
    }
    const dx = xs[hi]! - xs[lo]!;
    return dx === 0 ? ys[lo]! : ys[lo]! + ((v - xs[lo]!) / dx) * (ys[hi]! - ys[lo]!);
  }
}

export interface TimelineHooks {
  seek(record: number): void;
  /** The position (a record) and the markers to draw. */
  position(): number;
  notes(): readonly { record: number; text: string }[];
  divergence(): number | null;
}

export class Timeline {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly tip: HTMLElement;
  private readonly map: TimeMap;
  /** The visible span, in drawn time. */
  private from = 0;
  private to: number;
  private drag: { x: number; from: number; to: number; moved: boolean } | null = null;
  private frame = 0;

  constructor(
    private readonly store: RecordStore,
    private readonly hooks: TimelineHooks,
  ) {
    this.map = new TimeMap(store.index);
    this.to = this.map.length;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'timeline-canvas';
    this.canvas.setAttribute('aria-label', 'timeline: click to seek, wheel to zoom, drag to pan');
    this.tip = document.createElement('div');
    this.tip.className = 'timeline-tip';
    this.tip.hidden = true;
    this.element = document.createElement('div');
    this.element.className = 'timeline';
    this.element.append(this.canvas, this.tip);
    this.canvas.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.canvas.addEventListener('pointerdown', (e) => {
      this.canvas.setPointerCapture(e.pointerId);
      this.drag = { x: e.offsetX, from: this.from, to: this.to, moved: false };
    });
    this.canvas.addEventListener('pointermove', (e) => this.onMove(e));
    this.canvas.addEventListener('pointerup', (e) => {
      const d = this.drag;
      this.drag = null;
      if (d && !d.moved) this.hooks.seek(this.recordAtX(e.offsetX));
    });
    this.canvas.addEventListener('pointerleave', () => (this.tip.hidden = true));
    new ResizeObserver(() => this.draw()).observe(this.element);
  }

  private width(): number {
    return this.canvas.clientWidth || 1;
  }
  private xOfDrawn(d: number): number {
    return ((d - this.from) / (this.to - this.from)) * this.width();
  }
  private drawnOfX(x: number): number {
    return this.from + (x / this.width()) * (this.to - this.from);
  }
  private recordAtX(x: number): number {
    return this.store.recordAt(this.map.toRaw(this.drawnOfX(x)));
  }

  /** Zoom by `factor` (< 1 in) around drawn time `at` (default: the middle). */
  zoom(factor: number, at = (this.from + this.to) / 2): void {
    const min = Math.max(1000, this.map.length / 1e7);
    let w = Math.max(min, Math.min(this.map.length, (this.to - this.from) * factor));
    const ratio = (at - this.from) / (this.to - this.from);
    let from = at - ratio * w;
    from = Math.max(0, Math.min(this.map.length - w, from));
    if (w >= this.map.length) (from = 0), (w = this.map.length);
    this.from = from;
    this.to = from + w;
    this.draw();
  }
  /** Pan by a share of the visible span (negative: left). */
  pan(share: number): void {
    const w = this.to - this.from;
    this.from = Math.max(0, Math.min(this.map.length - w, this.from + share * w));
    this.to = this.from + w;
    this.draw();
  }
  /** Keep the position in view. */
  follow(record: number): void {
    const d = this.map.toDrawn(this.store.time(record));
    if (d < this.from || d > this.to) {
      const w = this.to - this.from;
      this.from = Math.max(0, Math.min(this.map.length - w, d - w / 2));
      this.to = this.from + w;
    }
    this.draw();
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) this.pan((e.deltaX || e.deltaY) / 500);
    else this.zoom(Math.exp(e.deltaY / 300), this.drawnOfX(e.offsetX));
  }

  private onMove(e: PointerEvent): void {
    const d = this.drag;
    if (d) {
      const dx = e.offsetX - d.x;
      if (Math.abs(dx) > 3) d.moved = true;
      if (d.moved) {
        const shift = (dx / this.width()) * (d.to - d.from);
        const w = d.to - d.from;
        this.from = Math.max(0, Math.min(this.map.length - w, d.from - shift));
        this.to = this.from + w;
        this.draw();
      }
      return;
    }
    const n = this.recordAtX(e.offsetX);
    const rec = this.store.record(n);
    const t = this.store.time(n) - this.store.index.start;
    this.tip.textContent = `#${n}  ${humanDuration(t)}  ${formatRecord(rec, this.store.stream(n) || -1, this.store.marks)}`;
    this.tip.hidden = false;
    this.tip.style.left = `${Math.min(e.offsetX + 12, this.width() - 360)}px`;
  }

  /** Redraw on the next frame. */
  draw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.paint();
    });
  }

  private paint(): void {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const cssW = c.clientWidth;
    const cssH = c.clientHeight;
    if (cssW === 0 || cssH === 0) return;
    if (c.width !== Math.round(cssW * dpr) || c.height !== Math.round(cssH * dpr)) {
      c.width = Math.round(cssW * dpr);
      c.height = Math.round(cssH * dpr);
    }
    const g = c.getContext('2d')!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, cssW, cssH);
    const axis = 16;
    const top = 10;
    const barH = cssH - axis - top;
    const colW = 2;
    const columns = Math.max(1, Math.floor(cssW / colW));
    const rawFrom = this.map.toRaw(this.from);
    const rawTo = this.map.toRaw(this.to);
    const span = this.to - this.from;
    const counts = this.store.density(rawFrom, rawTo, columns, (t) => Math.floor(((this.map.toDrawn(t) - this.from) / span) * columns));
    let max = 1;
    for (let col = 0; col < columns; col++) {
      let sum = 0;
      for (let k = 0; k < KINDS.length; k++) sum += counts[col * KINDS.length + k]!;
      if (sum > max) max = sum;
    }
    const scale = barH / Math.log1p(max);
    for (let col = 0; col < columns; col++) {
      let sum = 0;
      for (let k = 0; k < KINDS.length; k++) sum += counts[col * KINDS.length + k]!;
      if (sum === 0) continue;
      const total = Math.max(2, Math.log1p(sum) * scale);
      let y = top + barH;
      for (let k = 0; k < KINDS.length; k++) {
        const n = counts[col * KINDS.length + k]!;
        if (n === 0) continue;
        const part = Math.max(1, (n / sum) * total);
        g.fillStyle = KIND_COLOURS[k]!;
        g.fillRect(col * colW, y - part, colW, part);
        y -= part;
      }
    }
    // gaps
    g.font = '10px ui-monospace, monospace';
    for (const gap of this.map.gaps) {
      const x0 = this.xOfDrawn(gap.at);
      const x1 = this.xOfDrawn(gap.at + gap.width);
      if (x1 < 0 || x0 > cssW) continue;
      g.fillStyle = 'rgba(139,148,158,0.18)';
      g.fillRect(x0, top, Math.max(2, x1 - x0), barH);
      g.strokeStyle = 'rgba(139,148,158,0.6)';
      g.setLineDash([3, 3]);
      g.beginPath();
      g.moveTo(x0, top);
      g.lineTo(x0, top + barH);
      g.moveTo(x1, top);
      g.lineTo(x1, top + barH);
      g.stroke();
      g.setLineDash([]);
      if (x1 - x0 > 40) {
        g.fillStyle = '#8b949e';
        g.fillText(`idle ${humanDuration(gap.to - gap.from)}`, x0 + 3, top + 10);
      }
    }
    // axis
    g.fillStyle = '#8b949e';
    g.strokeStyle = '#30363d';
    g.beginPath();
    g.moveTo(0, cssH - axis + 0.5);
    g.lineTo(cssW, cssH - axis + 0.5);
    g.stroke();
    const ticks = Math.max(2, Math.floor(cssW / 110));
    for (let i = 0; i <= ticks; i++) {
      const x = (i / ticks) * cssW;
      const t = this.map.toRaw(this.drawnOfX(x)) - this.store.index.start;
      g.fillRect(x, cssH - axis, 1, 4);
      const label = humanDuration(Math.max(0, t));
      g.fillText(label, Math.min(cssW - g.measureText(label).width - 2, Math.max(0, x + 2)), cssH - 3);
    }
    // notes, divergence, position
    const xOfRecord = (r: number) => this.xOfDrawn(this.map.toDrawn(this.store.time(Math.min(r, this.store.index.records - 1))));
    g.fillStyle = '#e3b341';
    for (const n of this.hooks.notes()) {
      const x = xOfRecord(n.record);
      if (x < -5 || x > cssW + 5) continue;
      g.beginPath();
      g.moveTo(x - 5, 0);
      g.lineTo(x + 5, 0);
      g.lineTo(x, 8);
      g.fill();
    }
    const div = this.hooks.divergence();
    if (div !== null) {
      const x = xOfRecord(div);
      g.fillStyle = '#f85149';
      g.fillRect(x - 1, 0, 3, cssH - axis);
    }
    if (this.store.index.records > 0) {
      const x = xOfRecord(this.hooks.position());
      g.fillStyle = '#f0f6fc';
      g.fillRect(Math.round(x), 0, 1, cssH - axis);
    }
  }
}
