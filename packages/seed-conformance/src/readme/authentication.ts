// The seed README's "Authentication", verbatim but for the import. `validateToken` is the
// application's own function, so it is declared here.
import { WSServer } from '@switchboard/server';

declare function validateToken(token: string): Promise<{ id: string } | null>;

const server = new WSServer({
  port: 8080,
  authenticate: async (token, metadata) => {
    // Custom auth logic
    const user = await validateToken(token);
    return user !== null;
  },
  authTimeout: 10000,
});

export { server };
