/**
 * Peak resident memory of this process, sampled every `intervalMs` (100 ms by default). The worker runs
 * in-process, so this is the worker's RSS plus the bench's own client and the simulators (the Temporal
 * server is a separate process and is not counted).
 */
export function sampleRss(intervalMs = 100): { stop(): { peakBytes: number; samples: number } } {
  let peakBytes = process.memoryUsage.rss();
  let samples = 1;
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    samples++;
    if (rss > peakBytes) peakBytes = rss;
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const rss = process.memoryUsage.rss();
      return { peakBytes: Math.max(peakBytes, rss), samples: samples + 1 };
    },
  };
}
