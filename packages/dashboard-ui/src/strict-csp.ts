import { config } from 'zod';

/**
 * Import this first in a page's entry, before anything that builds zod schemas
 * (`@switchboard/client` does, through `@switchboard/protocol`).
 *
 * zod 4 probes `new Function('')` to decide whether it may compile its object parsers. Under
 * a Content-Security-Policy without `'unsafe-eval'` the probe throws, zod catches it, and
 * Chromium still logs the refused eval as a console error ("Refused to evaluate a string as
 * JavaScript ... Note that 'script-src' was not explicitly set"). `jitless` skips the probe
 * and the compiled parsers; parsing stays correct, only without code generation, which a
 * strict CSP forbids anyway. The setting is zod's global one, read when a schema is built,
 * so it must run before the first schema exists: ES modules run in import order, so a
 * first `import '@switchboard/dashboard-ui/strict-csp'` does.
 */
config({ jitless: true });
