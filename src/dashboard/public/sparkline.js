// Requests per second over the last minute, drawn on a canvas.

const WINDOW_MS = 60_000;

export class Sparkline {
  #canvas;
  #points = [];

  constructor(canvas) {
    this.#canvas = canvas;
    window.addEventListener('resize', () => this.draw());
  }

  /** Adds a sample taken at `at` (ms since the epoch) and redraws. */
  push(at, value) {
    this.#points.push({ at, value });
    const oldest = at - WINDOW_MS;
    while (this.#points.length > 0 && this.#points[0].at < oldest) this.#points.shift();
    this.draw();
  }

  draw() {
    const canvas = this.#canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 240;
    const height = canvas.clientHeight || 40;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const points = this.#points;
    if (points.length === 0) return;
    const end = points[points.length - 1].at;
    const max = Math.max(1, ...points.map((p) => p.value));
    const x = (p) => width - ((end - p.at) / WINDOW_MS) * width;
    const y = (p) => height - 2 - (p.value / max) * (height - 4);
    const style = getComputedStyle(canvas);
    ctx.beginPath();
    ctx.moveTo(x(points[0]), height);
    for (const p of points) ctx.lineTo(x(p), y(p));
    ctx.lineTo(x(points[points.length - 1]), height);
    ctx.closePath();
    ctx.fillStyle = style.getPropertyValue('--spark-fill').trim() || 'rgba(31,111,235,0.15)';
    ctx.fill();
    ctx.beginPath();
    points.forEach((p, i) => (i === 0 ? ctx.moveTo(x(p), y(p)) : ctx.lineTo(x(p), y(p))));
    ctx.strokeStyle = style.getPropertyValue('--spark-line').trim() || '#1f6feb';
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
}
