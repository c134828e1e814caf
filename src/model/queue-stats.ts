/** Queue statistics in the runbook's wire shape (`usage_pct` is in percent: 45 of 10000 is 0.45). */
export interface QueueStats {
  queue_name: string;
  size: number;
  max_size: number;
  usage_pct: number;
  backpressure: boolean;
}
