import type { ClusterStatus } from '../api';
import { dateTime } from '../format';

const KIND_TEXT: Record<ClusterStatus['operations'][number]['kind'], string> = {
  'rebalance-move': 'Rebalancer moving a shard group',
  'isolate-tenant': 'Isolating a tenant to a shard of its own',
  'move-shard': 'Moving a shard',
  'split-shard': 'Splitting a shard',
};

/** The rebalance (running, or the last one) and any shard operation running now. */
export function Operations({ status }: { status: ClusterStatus }) {
  const { rebalance, operations } = status;
  if (!rebalance && operations.length === 0) return null;
  const running = rebalance?.running ?? false;
  return (
    <section
      class={`operations${running || operations.length > 0 ? ' operations--busy' : ''}`}
      aria-labelledby="ops-heading"
    >
      <h3 id="ops-heading">Shard movements</h3>
      {rebalance?.jobId ? (
        running ? (
          <div class="rebalance">
            <label for="rebalance-progress">
              Rebalance job {rebalance.jobId} running: {rebalance.tasksDone} of {rebalance.tasksTotal} shard
              moves done
            </label>
            <progress
              id="rebalance-progress"
              max={Math.max(1, rebalance.tasksTotal)}
              value={rebalance.tasksDone}
            />
          </div>
        ) : (
          <p>
            Last rebalance: job {rebalance.jobId} {rebalance.state ?? 'finished'}, {rebalance.tasksDone} of{' '}
            {rebalance.tasksTotal} shard moves
            {rebalance.finishedAt ? `, ${dateTime(rebalance.finishedAt)}` : ''}.
          </p>
        )
      ) : (
        <p>No rebalance has run.</p>
      )}
      {operations.length > 0 ? (
        <ul class="operation-list">
          {operations.map((op) => (
            <li key={`${op.kind}:${op.detail}`}>
              <strong>{KIND_TEXT[op.kind]}</strong>: {op.detail}
              {op.startedAt ? ` (since ${dateTime(op.startedAt)})` : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
