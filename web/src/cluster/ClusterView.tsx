/**
 * The cluster as GET /cluster tells it, refreshed every few seconds without reloading the
 * page: the coordinator and each worker as a column with its state, shard count and data
 * size, the largest tenants drawn in the column of the worker that holds them (sized by
 * their data), a rebalance or tenant isolation in progress, and a worker that cannot be
 * reached shown as such.
 */
import { useEffect, useState } from 'preact/hooks';
import { type Api, ApiError, type ClusterStatus } from '../api';
import { timeOfDay } from '../format';
import { adminToken } from '../storage';
import { ErrorNote, ViewHeading } from '../ui';
import { AdminTokenForm } from './AdminTokenForm';
import { NodeColumn } from './NodeColumn';
import { Operations } from './Operations';

const REFRESH_MS = 4000;

export function ClusterView({ api, focus }: { api: Api; focus: boolean }) {
  const [status, setStatus] = useState<ClusterStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  // A new token restarts the refreshing, which stops at a 401.
  const [tokenVersion, setTokenVersion] = useState(0);

  useEffect(() => {
    let stopped = false;
    let asking = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = async () => {
      if (asking) return;
      clearTimeout(timer);
      asking = true;
      let again = true;
      try {
        const reply = await api.cluster();
        if (stopped) return;
        setStatus(reply.body);
        setUpdatedAt(new Date());
        setError(null);
      } catch (caught: unknown) {
        if (stopped) return;
        setError(caught);
        // Asking again without a token cannot help; the form below asks for one.
        again = !(caught instanceof ApiError && caught.status === 401);
      } finally {
        asking = false;
      }
      if (again && !stopped) timer = setTimeout(tick, REFRESH_MS);
    };
    // A hidden tab skips its turns rather than asking the cluster for nobody, and asks at
    // once when it is shown again.
    const tick = () => {
      if (document.hidden) timer = setTimeout(tick, REFRESH_MS);
      else void refresh();
    };
    const shown = () => {
      if (!document.hidden) void refresh();
    };
    document.addEventListener('visibilitychange', shown);
    void refresh();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', shown);
    };
  }, [api, tokenVersion]);

  const unauthorized = error instanceof ApiError && error.status === 401;
  const maxTenant = Math.max(1, ...(status?.largestTenants ?? []).map((t) => t.dataBytes ?? t.queries ?? 0));
  const plain = status?.mode === 'plain';
  // Sizes come from row sizes or Citus's tenant statistics; anything else says why there are none.
  const tenantsKnown =
    status?.tenantsSource === 'row sizes' || status?.tenantsSource === 'citus_stat_tenants';

  return (
    <section aria-labelledby="cluster-heading" class="cluster">
      <div class="view-head">
        <ViewHeading focus={focus}>
          <span id="cluster-heading">Cluster</span>
        </ViewHeading>
        <p class="refresh" aria-live="off">
          {updatedAt
            ? `Updated at ${timeOfDay(updatedAt)}; refreshes every ${REFRESH_MS / 1000} s`
            : 'Asking the cluster…'}
        </p>
      </div>

      {unauthorized ? (
        <AdminTokenForm
          refused={adminToken.get() !== null && error instanceof ApiError ? error.message : null}
          onToken={(token) => {
            adminToken.set(token);
            setError(null);
            setTokenVersion((v) => v + 1);
          }}
        />
      ) : (
        <ErrorNote error={error}>
          {status ? (
            <p class="hint">
              Showing the cluster as it was at {updatedAt ? timeOfDay(updatedAt) : 'the last answer'}; trying
              again.
            </p>
          ) : null}
        </ErrorNote>
      )}

      {status ? (
        <>
          <p
            class={`summary${status.nodes.some((n) => n.state === 'unreachable') ? ' summary--degraded' : ''}`}
            role="status"
          >
            {status.summary}
          </p>
          {plain ? (
            <p class="note note--info">
              The database is not distributed: one plain PostgreSQL node holds every table, so there are no
              workers or shards to show. With Citus installed, the cluster's coordinator and workers appear
              here.
            </p>
          ) : null}
          <Operations status={status} />
          {tenantsKnown ? null : <p class="hint">Largest tenants: {status.tenantsSource}.</p>}
          <ul class="nodes" aria-label="Nodes">
            {status.nodes.map((node) => (
              <NodeColumn
                key={`${node.host}:${node.port}`}
                node={node}
                tenants={status.largestTenants.filter((t) =>
                  plain ? true : t.host === node.host && t.port === node.port,
                )}
                maxTenant={maxTenant}
                tenantsSource={status.tenantsSource}
                tenantsKnown={tenantsKnown}
              />
            ))}
          </ul>
          {adminToken.get() ? (
            <p class="hint">
              Using the operator token kept in this tab.{' '}
              <button
                type="button"
                class="link"
                onClick={() => {
                  adminToken.set(null);
                  setTokenVersion((v) => v + 1);
                }}
              >
                Forget it
              </button>
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
