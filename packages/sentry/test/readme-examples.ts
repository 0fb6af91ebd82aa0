/**
 * The README's code blocks (scripts/snippets.mjs copies each region into packages/sentry/README.md),
 * typechecked with the package and run by src/hooks.test.ts and src/private-arguments.test.ts.
 */
import { sentry } from '../src/index.js';

export function tenantTagging() {
  // #region before-capture
  const sentryPlugin = sentry({
    // Every event about a request gets the tenant the client names in `_meta`...
    beforeCapture: (scope, request) => {
      const tenant = request.meta?.tenant;
      if (typeof tenant === 'string') scope.setTag('tenant', tenant);
    },
    // ...and the verified caller's client id as `user.id` (off by default: it is personal data).
    recordUser: true,
  });
  // #endregion before-capture
  return sentryPlugin;
}

export function recordedArguments() {
  // #region privacy
  const sentryPlugin = sentry({
    recordArguments: true, // `gen_ai.tool.call.arguments` in the event's `mcp_request` context
    maxPayloadLength: 2_048, // characters of JSON, then `…[truncated]`
    redact: ['customer.email', 'iban'], // on top of passwords, tokens, keys, cookies, sessions, ...
  });
  // #endregion privacy
  return sentryPlugin;
}
