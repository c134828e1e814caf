import fc from 'fast-check';
import { formatHistory, type HistoryStep, historyStepArbitraries, type SourceModel } from './convergence-history.ts';
import { type ConvergenceEnvironment, HistoryRun } from './convergence-run.ts';

/** One step as a fast-check command; its `toString` is the step's JSON, so fast-check's own report replays too. */
export class StepCommand implements fc.AsyncCommand<SourceModel, HistoryRun> {
  constructor(readonly step: HistoryStep) {}
  // Every step is total (it does nothing where it does not apply), so any list of steps is a history.
  check(): boolean {
    return true;
  }
  async run(_model: SourceModel, real: HistoryRun): Promise<void> {
    await real.apply(this.step);
  }
  toString(): string {
    return JSON.stringify(this.step);
  }
}

/** A history that did not converge: the shrunk steps, replayable with `runHistory`, and what differed. */
export class DivergenceError extends Error {
  override name = 'DivergenceError';
  constructor(
    readonly steps: HistoryStep[],
    readonly divergences: string[],
  ) {
    super(`the stores diverged from the sources after this history:\n${formatHistory(steps)}\n${divergences.join('\n')}`);
  }
}

/** Figures of a batch of histories. */
export interface ConvergenceFigures {
  /** Histories run to the end of their steps (shrinking runs not counted). */
  histories: number;
  /** Histories that did not converge. */
  divergences: number;
  /** Slowest convergence of a history that converged, seconds. */
  maxSecondsToConverge: number;
  /** Each divergence, shrunk. */
  failures: DivergenceError[];
}

/** Runs `steps` against a fresh service and throws a `DivergenceError` unless it converges; returns the seconds it took. */
export async function runHistory(env: ConvergenceEnvironment, steps: readonly HistoryStep[]): Promise<number> {
  return runCommands(env, steps.map((step) => new StepCommand(step)));
}

/** The step of a command as fast-check hands it over (wrapped, to record whether it ran). */
function stepOf(command: fc.AsyncCommand<SourceModel, HistoryRun>): HistoryStep {
  return ((command as { cmd?: StepCommand }).cmd ?? (command as StepCommand)).step;
}

// The commands fast-check generated must be the ones run: its shrinker keeps only the commands marked as having run.
async function runCommands(env: ConvergenceEnvironment, commands: Iterable<fc.AsyncCommand<SourceModel, HistoryRun>>): Promise<number> {
  const run = await HistoryRun.start(env);
  const ran: HistoryStep[] = [];
  try {
    const recorded = [...commands].map((command) => ({
      check: () => true,
      run: async (model: SourceModel, real: HistoryRun) => {
        ran.push(stepOf(command));
        await command.run(model, real);
      },
      toString: () => String(command),
    }));
    await fc.asyncModelRun(() => ({ model: run.model, real: run }), recorded);
    const outcome = await run.settle();
    if (outcome.divergences.length > 0) throw new DivergenceError(ran, outcome.divergences);
    return outcome.secondsToConverge;
  } finally {
    await run.close();
  }
}

/** Options of `checkConvergence`. */
export interface CheckOptions {
  /** Histories to run. */
  runs: number;
  /** Steps per history at most. Default 16. */
  maxSteps?: number;
  /** fast-check seed, to replay a whole run. */
  seed?: number;
  /** Whether a failing history is shrunk before it is reported. Default true. */
  shrink?: boolean;
  /**
   * Longest time spent shrinking one divergence, ms (each try re-runs a history); past it, the shortest failing
   * history found so far is reported. Default 15 minutes.
   */
  shrinkBudgetMs?: number;
  /** Called after each history (not during shrinking). */
  onHistory?(index: number, seconds: number | undefined, diverged: boolean): void;
}

/**
 * Runs `runs` random histories. A divergence is shrunk to a short history (fast-check re-runs the failing history with
 * fewer and smaller steps), recorded, and the remaining histories run with a new seed, so one failure does not hide
 * the count of the others.
 */
export async function checkConvergence(env: ConvergenceEnvironment, options: CheckOptions): Promise<ConvergenceFigures> {
  const figures: ConvergenceFigures = { histories: 0, divergences: 0, maxSecondsToConverge: 0, failures: [] };
  const steps = historyStepArbitraries({ workers: env.workers, redisFaults: env.redis.pause !== undefined && env.redis.restart !== undefined });
  const commands = fc.commands(
    steps.map((arbitrary) => arbitrary.map((step) => new StepCommand(step))),
    { maxCommands: options.maxSteps ?? 16 },
  );
  let seed = options.seed ?? Date.now() ^ (Math.random() * 0x7fffffff);
  const shrinkBudgetMs = options.shrinkBudgetMs ?? 15 * 60_000;
  while (figures.histories < options.runs) {
    let shrinking = false;
    let failedAt = 0;
    const property = fc.asyncProperty(commands, async (cmds) => {
      // Out of shrinking time: every further candidate "passes" untried, so fast-check stops at the shortest failure yet.
      if (shrinking && Date.now() - failedAt > shrinkBudgetMs) return;
      try {
        const seconds = await runCommands(env, cmds);
        if (!shrinking) {
          figures.histories++;
          figures.maxSecondsToConverge = Math.max(figures.maxSecondsToConverge, seconds);
          options.onHistory?.(figures.histories, seconds, false);
        }
      } catch (error) {
        if (!shrinking) {
          figures.histories++;
          options.onHistory?.(figures.histories, undefined, true);
        }
        if (!shrinking) failedAt = Date.now();
        shrinking = true;
        throw error;
      }
    });
    const details = await fc.check(property, {
      numRuns: options.runs - figures.histories,
      seed,
      endOnFailure: options.shrink === false,
    });
    if (!details.failed) break;
    figures.divergences++;
    const error = details.errorInstance;
    figures.failures.push(
      error instanceof DivergenceError ? error : new DivergenceError([...(details.counterexample?.[0] ?? [])].map(stepOf), [String(error)]),
    );
    seed = (seed * 1_103_515_245 + 12_345) | 0;
  }
  return figures;
}
