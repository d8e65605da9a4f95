import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Generates the tiny fixture clips (ffmpeg) and the user models (PyTorch, python3-onnx: Debian's
 *  /usr/bin/python3, as training/ uses) before any test runs. */
export default function globalSetup(): void {
  execFileSync('bash', [path.resolve('scripts/make-test-clips.sh')], { stdio: 'inherit' });
  execFileSync('/usr/bin/python3', [path.resolve('scripts/make-test-models.py')], { stdio: 'inherit' });
}
