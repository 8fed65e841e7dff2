import { createServer, type Server } from 'node:net';

/** Free loopback ports, each held by a listener of ours until the process that takes it starts. */
export interface HeldPorts {
  readonly ports: readonly number[];
  /**
   * Lets `ports` go (none: every one still held), just before a process binds them. Held until
   * then, no other testbed and no outgoing connection (whose local port comes from the same range)
   * can take one meanwhile.
   */
  release(...ports: number[]): Promise<void>;
}

function listenOnFreePort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** `count` distinct free ports on 127.0.0.1, held (the OS picks them). */
export async function holdFreePorts(count: number): Promise<HeldPorts> {
  const held = new Map<number, Server>();
  while (held.size < count) {
    const server = await listenOnFreePort();
    const address = server.address();
    held.set(typeof address === 'object' && address ? address.port : 0, server);
  }
  return {
    ports: [...held.keys()],
    async release(...ports) {
      const servers = (ports.length > 0 ? ports : [...held.keys()]).flatMap((port) => {
        const server = held.get(port);
        held.delete(port);
        return server ? [server] : [];
      });
      await Promise.all(servers.map(close));
    },
  };
}
