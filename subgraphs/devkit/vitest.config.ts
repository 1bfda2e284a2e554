import { packageTestConfig } from '@finsam/kit/vitest-config';

export default packageTestConfig;
