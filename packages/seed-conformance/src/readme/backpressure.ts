// The seed README's "Backpressure", verbatim but for the import; `server` is the one of
// "Server Setup".
import { WSRouter, type WSServer } from '@switchboard/server';

declare const server: WSServer;

const router = new WSRouter(server, {
  queueSize: 1000, // Max queued messages per client
});

router.on('message-dropped', ({ clientId, topic }) => {
  console.log('Dropped message for:', clientId, topic);
});
