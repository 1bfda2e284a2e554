import { packageTestConfig } from './vitest.package.mjs';

export default packageTestConfig;
