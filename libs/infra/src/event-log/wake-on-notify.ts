import type { PoolClient } from 'pg';

export type Wake = Readonly<{
  /** Forget notifications seen so far (call just before reading). */
  reset: () => void;
  /** Resolves on a notification since the last reset, after `timeoutMs`, or on abort. */
  wait: (timeoutMs: number) => Promise<void>;
  stop: () => Promise<void>;
}>;

/** LISTENs on a channel so a subscriber wakes the moment an append commits, not at the next poll. */
export async function wakeOnNotify(client: PoolClient, channel: string, signal?: AbortSignal): Promise<Wake> {
  let notified = false;
  let release: (() => void) | undefined;
  const onNotification = (): void => {
    notified = true;
    release?.();
  };
  const onAbort = (): void => release?.();
  client.on('notification', onNotification);
  signal?.addEventListener('abort', onAbort);
  await client.query(`LISTEN ${channel}`);
  return {
    reset: () => {
      notified = false;
    },
    wait: (timeoutMs) =>
      new Promise<void>((resolve) => {
        if (notified || signal?.aborted) return resolve();
        const timer = setTimeout(() => release?.(), timeoutMs);
        release = () => {
          clearTimeout(timer);
          release = undefined;
          resolve();
        };
      }),
    stop: async () => {
      client.off('notification', onNotification);
      signal?.removeEventListener('abort', onAbort);
      await client.query(`UNLISTEN ${channel}`).catch(() => undefined);
    },
  };
}
