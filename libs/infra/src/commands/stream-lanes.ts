/**
 * Commands to one stream, in one process, run one after the other: they would only race for
 * the same revision, and all but one would have to decide again. Other streams run in parallel.
 */
export class StreamLanes {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(stream: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(stream) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => done);
    this.tails.set(stream, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(stream) === tail) this.tails.delete(stream);
    }
  }

  /** Streams with a command running or waiting. */
  get busy(): number {
    return this.tails.size;
  }
}
