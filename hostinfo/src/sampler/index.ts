export {
  createSecondSampler,
  type SecondSample,
  type SecondSampler,
  type SecondSamplerOptions,
} from './create-second-sampler.js';
