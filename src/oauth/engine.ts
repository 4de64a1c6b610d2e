import type * as OidcProvider from 'oidc-provider';

/**
 * oidc-provider, loaded once. At import it warns "Unsupported runtime" on any Node.js before the 22 LTS line. Node 20
 * is unsupported but still runs Quartermaster (the suite passes on 20.19+), and that one line would land in every
 * CLI command's output there, so it is filtered here; every other warning passes through.
 */
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider WARNING: Unsupported runtime')) return;
  warn(...args);
};
const engine: typeof OidcProvider = await import('oidc-provider').finally(() => {
  console.warn = warn;
});

export const Provider = engine.default;
export const { errors } = engine;
