export { startTestKernel, type TestKernel, type TestKernelOptions } from './start-test-kernel.js';
