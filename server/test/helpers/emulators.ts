import type { BatchEmulatorOptions } from '@genesis/bedrock-emulator/batch/options';
import { type BatchEmulator, startBatchEmulator } from '@genesis/bedrock-emulator/batch/server';
import type { EmulatorOptions } from '@genesis/bedrock-emulator/options';
import { type Emulator, startEmulator } from '@genesis/bedrock-emulator/server';
import { answerLocally } from '../../src/llm/local/answer.ts';

/**
 * The Bedrock emulator (Converse, ConverseStream) answering through the local provider's writers, as every server
 * test, bench and `pnpm bedrock:emulator` uses it. `options.answer` still wins, for a test that scripts the model.
 * `reset()` overrides apply over these options, so the local answer stays unless a reset replaces it.
 */
export function startLocalEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ ...options, answer: options.answer ?? answerLocally });
}

/** The batch emulator (Bedrock batch control plane + S3) answering records through the local provider's writers. */
export function startLocalBatchEmulator(
  options: BatchEmulatorOptions = {},
): Promise<BatchEmulator> {
  return startBatchEmulator({ ...options, answer: options.answer ?? answerLocally });
}
