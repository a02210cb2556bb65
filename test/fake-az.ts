/**
 * Running an `azure-cli` script for real: bash with a fake `az` first on PATH that records its
 * argv, NUL-separated, so each argument is compared byte for byte with the value in the manifest.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** What the fake `az account show` prints. */
export const CURRENT_SUBSCRIPTION = '9e8d7c6b-5a49-4837-a625-1403f2e1d0c9';

const tmpDirs: string[] = [];
afterAll(() => { for (const dir of tmpDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true }); });

/** Runs a script with a fake `az` that records every call; returns each call's argv. */
export function runWithFakeAz(text: string): { calls: string[][]; status: number | null; stderr: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kv-azure-cli-'));
  tmpDirs.push(dir);
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  const log = path.join(dir, 'az.log');
  fs.writeFileSync(path.join(bin, 'az'), [
    '#!/usr/bin/env bash',
    'printf \'%s\\0\' "$@" >> "$AZ_LOG"',
    'printf \'\\1\' >> "$AZ_LOG"',
    `if [ "$1 $2" = "account show" ]; then echo ${CURRENT_SUBSCRIPTION}; fi`,
  ].join('\n'), { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'script.sh'), text);
  const result = spawnSync('bash', ['script.sh'], { cwd: dir, encoding: 'utf-8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, AZ_LOG: log } });
  const recorded = fs.existsSync(log) ? fs.readFileSync(log, 'utf-8') : '';
  const calls = recorded.split('\u0001').filter(c => c !== '').map(c => c.split('\0').slice(0, -1));
  return { calls, status: result.status, stderr: result.stderr, dir };
}
