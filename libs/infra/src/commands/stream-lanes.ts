/**
 * Commands to one stream, in one process, wait in that stream's queue instead of racing for the
 * same revision: whoever drains the queue takes everything waiting (up to `maxBatch`) at once,
 * so that a busy stream's commands share one append, one transaction and one commit. Other
 * streams drain in parallel.
 */
export class StreamLanes<Job> {
  private readonly queues = new Map<string, Job[]>();

  constructor(
    /** Settles every job it is given (resolves or rejects each); a throw here is a bug. */
    private readonly drain: (stream: string, jobs: Job[]) => Promise<void>,
    private readonly maxBatch = 100,
  ) {}

  submit(stream: string, job: Job): void {
    const waiting = this.queues.get(stream);
    if (waiting !== undefined) {
      waiting.push(job);
      return;
    }
    const queue = [job];
    this.queues.set(stream, queue);
    void this.run(stream, queue);
  }

  private async run(stream: string, queue: Job[]): Promise<void> {
    while (queue.length > 0) await this.drain(stream, queue.splice(0, this.maxBatch));
    this.queues.delete(stream);
  }

  /** Streams with commands running or waiting. */
  get busy(): number {
    return this.queues.size;
  }
}
