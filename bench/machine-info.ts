import { cpus, loadavg, totalmem } from 'node:os';

/** The machine the figures were taken on; the load averages say how noisy it was. */
export interface MachineInfo {
  cpus: number;
  cpu_model: string;
  total_mem_mb: number;
  node: string;
  platform: string;
  date: string;
  load_avg_at_start: number[];
  load_avg_at_end?: number[];
  redis_server?: string;
}

/** Reads the machine description at the start of the run. */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    cpu_model: list[0]?.model ?? 'unknown',
    total_mem_mb: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
    load_avg_at_start: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
