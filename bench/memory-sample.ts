/** Memory of this process at one moment, in MiB. */
export interface MemorySample {
  rssMb: number;
  /** V8 heap committed (counts in RSS even when mostly free). */
  heapTotalMb: number;
  heapUsedMb: number;
  externalMb: number;
  /** Whether a full GC ran first (`--expose-gc`). */
  afterGc: boolean;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Waits `settleMs`, runs two full GCs when exposed (the second collects what the first's finalizers freed), then reads. */
export async function sampleMemory(settleMs: number): Promise<MemorySample> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  // Let the allocator hand freed pages back before reading RSS.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const usage = process.memoryUsage();
  return { rssMb: mb(usage.rss), heapTotalMb: mb(usage.heapTotal), heapUsedMb: mb(usage.heapUsed), externalMb: mb(usage.external), afterGc: gc !== undefined };
}
