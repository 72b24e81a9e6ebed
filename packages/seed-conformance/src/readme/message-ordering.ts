// The seed README's "Message Ordering", verbatim; `client` is the one of "Client Setup".
import type { WSClient } from '@switchboard/client';

declare const client: WSClient;

client.on('event', (event) => {
  console.log('Sequence:', event.sequenceNumber);
  console.log('Data:', event.data);
});
