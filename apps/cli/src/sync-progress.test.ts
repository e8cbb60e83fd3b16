import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CliOutput } from './cli.command';
import { ProgressView, type RunSnapshot } from './sync-progress';

function terminal(tty: boolean): CliOutput & { text: string } {
  const t = {
    text: '',
    tty,
    out: (line: string) => void (t.text += `${line}\n`),
    err: (line: string) => void (t.text += `${line}\n`),
    write: (text: string) => void (t.text += text),
  };
  return t;
}

const snapshot = (over: Partial<RunSnapshot>): RunSnapshot => ({
  status: 'running',
  tasksTotal: 8,
  tasksDone: 0,
  tasksFailed: 0,
  resources: 0,
  created: 0,
  updated: 0,
  deleted: 0,
  startedAt: new Date(),
  finishedAt: null,
  errorMessage: null,
  ...over,
});

describe('ProgressView on a terminal', () => {
  it('redraws one line with a bar, prints errors above it, and ends with the outcome', () => {
    const term = terminal(true);
    const view = new ProgressView(term);
    view.update(snapshot({ tasksDone: 2, resources: 40 }), 0);
    view.update(snapshot({ tasksDone: 4, resources: 95 }), 0);
    view.event({
      key: 'k',
      kind: 'error',
      where: '111111111111 us-east-1 AWS::Lambda::Function',
      message: 'AccessDeniedException: no',
    });
    view.update(snapshot({ tasksDone: 8, tasksFailed: 1, resources: 120 }), 1);
    view.finish(
      'run-1',
      snapshot({
        status: 'partial',
        tasksDone: 8,
        tasksFailed: 1,
        resources: 120,
        created: 120,
        finishedAt: new Date(),
      }),
    );

    const redraws = term.text.split('\r\x1b[2K');
    assert.ok(redraws.length >= 4, 'each update redraws the same line');
    assert.match(term.text, /\[#{6}-{18}\] 2\/8 tasks · 40 resources · 0 errors/);
    assert.match(term.text, /\[#{12}-{12}\] 4\/8 tasks · 95 resources · 0 errors/);
    assert.match(term.text, /\[#{24}\] 8\/8 tasks · 120 resources · 1 errors/);
    // The error is printed on its own line after the bar was cleared, so it stays on screen.
    assert.match(
      term.text,
      /\r\x1b\[2K✗ 111111111111 us-east-1 AWS::Lambda::Function: AccessDeniedException: no\n/,
    );
    assert.match(term.text, /run run-1 partial: 8\/8 tasks \(1 failed\), 120 resources \(\+120 ~0 -0\)/);
    assert.ok(
      term.text.indexOf('✗') < term.text.indexOf('8/8 tasks'),
      'errors show as they happen, before the end',
    );
  });

  it('prints plain lines, only on change, when stdout is not a terminal', () => {
    const term = terminal(false);
    const view = new ProgressView(term);
    view.update(snapshot({ tasksDone: 1 }), 0);
    view.update(snapshot({ tasksDone: 1 }), 0);
    view.update(snapshot({ tasksDone: 3, resources: 7 }), 0);
    assert.equal(
      term.text,
      'progress status=running tasks=1/8 resources=0 errors=0\nprogress status=running tasks=3/8 resources=7 errors=0\n',
    );
  });
});
