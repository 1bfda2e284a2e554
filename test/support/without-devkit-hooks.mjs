/** The resolution hook without-devkit.mjs registers: `@finsam/devkit` and its entries are not found, as after `npm ci --omit=dev`. */
export async function resolve(specifier, context, nextResolve) {
  if (specifier === '@finsam/devkit' || specifier.startsWith('@finsam/devkit/')) {
    const error = new Error(`Cannot find package '${specifier}' imported from ${context.parentURL ?? 'the command line'}`);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return nextResolve(specifier, context);
}
