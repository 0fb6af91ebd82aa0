/**
 * Module hooks (registered with `--import ./test/block-module.mjs`) that make the package named by
 * MCPSCOPE_BLOCKED_MODULE impossible to resolve, as if it were not installed.
 */
import { register } from 'node:module';

const blocked = process.env.MCPSCOPE_BLOCKED_MODULE;
const hooks = `
  export async function resolve(specifier, context, next) {
    if (specifier === ${JSON.stringify(blocked)} || specifier.startsWith(${JSON.stringify(`${blocked}/`)})) {
      throw Object.assign(new Error('Cannot find package ' + specifier + ' (blocked by the test)'), { code: 'ERR_MODULE_NOT_FOUND' });
    }
    return next(specifier, context);
  }
`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
