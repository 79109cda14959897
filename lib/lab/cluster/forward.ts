/**
 * A TCP forwarder, run as its own process by a cluster started for a lab: the API server binds
 * loopback only, and this makes it reachable on the lab's bridge address as well (same port),
 * so the lab's hosts (the k3s stand-in) reach it and nothing else on the machine's networks does.
 *
 *   node lib/lab/cluster/forward.ts <cluster dir> <listen ip> <port> <target port on 127.0.0.1>
 */
import { connect, createServer } from 'node:net';

const [dir, host, port, target] = process.argv.slice(2);
if (!dir || !host || !port || !target) {
  console.error('usage: forward.ts <cluster dir> <listen ip> <port> <target port>');
  process.exit(2);
}
// No Nagle on either side: a relay that holds a small write back until the last one is acked
// stalls each API request on the peer's delayed ACK (a sequential GET: 7-21 ms through it, 4.5 direct).
const server = createServer({ noDelay: true }, (client) => {
  const upstream = connect({ port: Number(target), host: '127.0.0.1', noDelay: true });
  client.pipe(upstream).pipe(client);
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', end);
  upstream.on('error', end);
});
server.on('error', (err) => {
  console.error(`forward ${host}:${port} -> 127.0.0.1:${target} (${dir}): ${err.message}`);
  process.exit(1);
});
server.listen(Number(port), host, () => console.log(`forwarding ${host}:${port} -> 127.0.0.1:${target}`));
