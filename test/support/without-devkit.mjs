/**
 * `node --import ./test/support/without-devkit.mjs …`: the process runs as on a deployment that
 * installed production dependencies only, where `@finsam/devkit` is not there to resolve. Every
 * other package resolves as usual, so what fails is exactly what would reach the devkit.
 */
import { register } from 'node:module';

register('./without-devkit-hooks.mjs', import.meta.url);
