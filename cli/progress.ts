// A progress bar on stderr with events/s and ETA: redrawn in place on a terminal, one line per update
// (at most a few a second) when stderr is a file or pipe and --progress asked for it.
import { count } from './output.js';

export class ProgressBar {
  private readonly startedAt = Date.now();
  private lastDrawn = 0;
  private drawnOnce = false;
  private lastDone = -1;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly total: number | undefined,
    private readonly enabled: boolean,
    private readonly noun = 'events',
  ) {}

  update(done: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    const interval = this.stream.isTTY ? 100 : 250;
    if (this.drawnOnce && now - this.lastDrawn < interval) return;
    this.draw(done, now);
  }

  /** Draws the final state and ends the line. */
  finish(done: number): void {
    if (!this.enabled) return;
    if (done !== this.lastDone || !this.drawnOnce) this.draw(done, Date.now());
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private draw(done: number, now: number): void {
    this.lastDrawn = now;
    this.drawnOnce = true;
    this.lastDone = done;
    const seconds = Math.max((now - this.startedAt) / 1000, 0.001);
    const rate = done / seconds;
    const parts: string[] = [];
    if (this.total !== undefined && this.total > 0) {
      const fraction = Math.min(done / this.total, 1);
      const width = 24;
      const filled = Math.round(fraction * width);
      parts.push(
        `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`,
        `${Math.floor(fraction * 100)}%`.padStart(4),
      );
      parts.push(`${count(done)}/${count(this.total)} ${this.noun}`);
    } else {
      parts.push(`${count(done)} ${this.noun}`);
    }
    parts.push(`${count(Math.round(rate))} events/s`);
    if (this.total !== undefined) {
      const remaining = Math.max(this.total - done, 0);
      parts.push(`ETA ${rate > 0 ? duration(remaining / rate) : '?'}`);
    }
    const line = parts.join('  ');
    this.stream.write(this.stream.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
  }
}

/** 75 -> "1m15s", 4.2 -> "4s". */
export function duration(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
