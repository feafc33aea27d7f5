/** A progress bar on stderr, so the result stays the last line of stdout. Plain lines when not a terminal. */
export function progressBar(label: string) {
  const interactive = process.stderr.isTTY === true;
  let lastPercent = -1;
  return {
    update(done: number, total: number, detail = '') {
      const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
      if (percent === lastPercent) return;
      lastPercent = percent;
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      const bar = `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${detail}`;
      if (interactive) process.stderr.write(`\r${bar}`);
      else if (percent % 10 === 0) process.stderr.write(`${bar}\n`);
    },
    done() {
      if (interactive) process.stderr.write('\n');
    },
  };
}
