/**
 * A one-line progress bar on stderr. On a terminal it redraws in place; elsewhere (CI logs) it prints a
 * line at each quarter, so logs stay short. `quiet` turns it off (tests).
 */
export class ProgressBar {
  private lastQuarter = -1;
  private readonly startedAt = Date.now();
  private readonly tty = !!process.stderr.isTTY;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly quiet = false,
  ) {}

  update(done: number, note = ''): void {
    if (this.quiet) return;
    const fraction = this.total === 0 ? 1 : Math.min(1, done / this.total);
    const width = 28;
    const filled = Math.round(fraction * width);
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(1);
    const line = `${this.label.padEnd(22)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(done).padStart(String(this.total).length)}/${this.total} ${seconds}s${note ? ` ${note}` : ''}`;
    if (this.tty) {
      process.stderr.write(`\r${line}\x1b[K`);
      return;
    }
    const quarter = Math.floor(fraction * 4);
    if (quarter !== this.lastQuarter) {
      this.lastQuarter = quarter;
      process.stderr.write(`${line}\n`);
    }
  }

  finish(note = ''): void {
    if (this.quiet) return;
    if (this.tty) {
      this.update(this.total, note);
      process.stderr.write('\n');
    } else if (this.lastQuarter !== 4) {
      this.update(this.total, note);
    }
  }
}
