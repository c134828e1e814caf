/** What a queue adapter reports about itself: sizes only (`usage_pct` is in percent: 45 of 10000 is 0.45). */
export interface QueueSizes {
  queue_name: string;
  size: number;
  max_size: number;
  usage_pct: number;
}

/**
 * Queue statistics in the runbook's wire shape: the adapter's sizes plus the supervisor's backpressure latch, the one
 * latch of the service (src/machines/connector-manager.machine.ts).
 */
export interface QueueStats extends QueueSizes {
  backpressure: boolean;
}
