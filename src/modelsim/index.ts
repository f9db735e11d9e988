/** The simulator's public surface for in-process use (tests, demos, the simulator CLI). */
export { startModelsim, startupFailureText, type ModelsimHandle, type ModelsimStats } from './server.js';
export type { ModelsimOptions, LoadingBehavior } from './options.js';
export type { ModelsimState } from './handlers.js';
export { PROFILES, DEFAULT_PROFILE, getProfile, profileNames, type Profile } from './profiles.js';
export { Engine, type EngineOptions, type EngineObserver, type FinishInfo, type FinishedRequest, type RequestSink, type SubmitOptions } from './engine.js';
export { stepDurationMs, steadyItlMs, type StepLoad, type TimingParams } from './timing.js';
export { EMULATED_VLLM_VERSION } from './http-app.js';
