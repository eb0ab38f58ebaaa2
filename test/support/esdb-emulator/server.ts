/**
 * A wire-level EventStoreDB emulator: the service definitions the real client ships, served by
 * @grpc/grpc-js, so `EventStoreDBClient.connectionString('esdb://127.0.0.1:<port>?tls=false')`
 * talks to it as to a single insecure node. State lives in memory for the emulator's lifetime.
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { appendHandler, batchAppendHandler } from './append';
import { deleteHandler, tombstoneHandler } from './delete';
import { readHandler } from './read';
import { EmulatorStorage } from './storage';

export interface EsdbEmulatorOptions {
  /** 0 or absent: a port the OS picks. */
  port?: number;
  /**
   * Advertise Streams.BatchAppend through ServerFeatures (as servers from 21.10 do); false makes
   * the client fall back to the classic Append, the path of older servers.
   */
  batchAppend?: boolean;
}

export interface EsdbEmulator {
  port: number;
  connectionString: string;
  storage: EmulatorStorage;
  /** Calls received per gRPC method (e.g. `Streams/BatchAppend`), so tests can tell which path ran. */
  calls: Map<string, number>;
  /** Drops every call (clients see their subscriptions end) and frees the port. */
  close(): Promise<void>;
  /** Stops and starts again on the same port with the same log, as a server restart does. */
  restart(): Promise<void>;
}

/** The version ServerFeatures reports; the client only logs it. */
const SERVER_VERSION = '23.10.0';
const STREAMS_SERVICE = 'event_store.client.streams.Streams';

export async function startEsdbEmulator(options: EsdbEmulatorOptions = {}): Promise<EsdbEmulator> {
  const storage = new EmulatorStorage();
  const batchAppend = options.batchAppend ?? true;
  const calls = new Map<string, number>();
  let server = createServer(storage, batchAppend, calls);
  const port = await bind(server, options.port ?? 0);
  return {
    port,
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    storage,
    calls,
    close: async () => shutdown(server),
    restart: async () => {
      await shutdown(server);
      storage.forgetIdCache();
      server = createServer(storage, batchAppend, calls);
      await bind(server, port);
    },
  };
}

function createServer(storage: EmulatorStorage, batchAppend: boolean, calls: Map<string, number>): Server {
  const server = new Server();
  const counted =
    <A extends unknown[]>(name: string, handler: (...args: A) => void) =>
    (...args: A): void => {
      calls.set(name, (calls.get(name) ?? 0) + 1);
      handler(...args);
    };
  server.addService(StreamsService, {
    read: counted('Streams/Read', readHandler(storage)),
    append: counted('Streams/Append', appendHandler(storage)),
    delete: counted('Streams/Delete', deleteHandler(storage)),
    tombstone: counted('Streams/Tombstone', tombstoneHandler(storage)),
    ...(batchAppend ? { batchAppend: counted('Streams/BatchAppend', batchAppendHandler(storage)) } : {}),
  });
  server.addService(ServerFeaturesService, {
    getSupportedMethods: (_call: unknown, callback: (error: null, value: SupportedMethods) => void) => {
      const methods = ['read', 'append', 'delete', 'tombstone', ...(batchAppend ? ['batchappend'] : [])].map((name) =>
        new SupportedMethod().setServiceName(STREAMS_SERVICE).setMethodName(name),
      );
      callback(null, new SupportedMethods().setMethodsList(methods).setEventStoreServerVersion(SERVER_VERSION));
    },
  });
  return server;
}

function bind(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
}

function shutdown(server: Server): Promise<void> {
  // forceShutdown, not tryShutdown: the client holds its BatchAppend call open indefinitely, and a
  // real server going away also cuts live subscriptions.
  server.forceShutdown();
  return Promise.resolve();
}
