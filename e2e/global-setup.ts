import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Generates the tiny fixture clips (ffmpeg) before any test runs. */
export default function globalSetup(): void {
  execFileSync('bash', [path.resolve('scripts/make-test-clips.sh')], { stdio: 'inherit' });
}
