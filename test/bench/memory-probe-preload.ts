/**
 * Preloaded into the operator by the IPAM bench (`node --import=…/memory-probe-preload.ts`):
 * prints `MEMPROBE {at, rss, heapTotal, heapUsed, external, arrayBuffers}` on stderr every 250 ms.
 * See memory-probe.ts, which reads the lines back. The timer never keeps the process alive.
 */
const timer = setInterval(() => {
  process.stderr.write(`MEMPROBE ${JSON.stringify({ at: Date.now(), ...process.memoryUsage() })}\n`);
}, 250);
timer.unref();
