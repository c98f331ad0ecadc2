import type { NodeStatus, TenantStatus } from '../api';
import { formatBytes } from '../format';

/** One node: its figures, then its largest tenants as blocks whose height follows their size. */
export function NodeColumn({
  node,
  tenants,
  maxTenant,
  tenantsSource,
  tenantsKnown,
}: {
  node: NodeStatus;
  tenants: TenantStatus[];
  /** The largest tenant's figure in the whole cluster, so blocks compare across columns. */
  maxTenant: number;
  tenantsSource: string;
  /** False when the tenants could not be sized now (the view says why once). */
  tenantsKnown: boolean;
}) {
  const address = `${node.host}:${node.port}`;
  const headingId = `node-${node.host}-${node.port}`.replace(/[^\w-]/g, '-');
  const byQueries = tenantsSource === 'citus_stat_tenants';
  return (
    <li class={`node node--${node.role} node--${node.state}`} aria-labelledby={headingId}>
      <h3 id={headingId}>
        <span class="node-role">{node.role}</span> <span class="node-address">{address}</span>
      </h3>
      <p class={`pill pill--${node.state}`}>{node.state}</p>
      {node.state === 'unreachable' ? (
        <p class="node-warning">
          The coordinator cannot reach this worker: its tenants get 503 until it is back.
        </p>
      ) : node.state === 'switching' ? (
        <p class="node-warning">
          Patroni is switching this group over to its standby: its tenants wait or get 503 for a few seconds.
        </p>
      ) : null}
      <dl class="figures">
        <div>
          <dt>Shards</dt>
          <dd class="shards">{node.shards}</dd>
        </div>
        <div>
          <dt>Data</dt>
          <dd>{node.dataBytes === null ? 'unknown' : formatBytes(node.dataBytes)}</dd>
        </div>
      </dl>
      {node.standbys.length > 0 ? (
        <ul class="standbys" aria-label={`Standbys of ${address}`}>
          {node.standbys.map((standby) => (
            <li key={standby.name}>
              standby <strong>{standby.name}</strong>: {standby.state},{' '}
              {standby.sync === 'sync' ? 'synchronous' : standby.sync}
              {standby.lagBytes === null ? '' : `, ${formatBytes(standby.lagBytes)} behind`}
            </li>
          ))}
        </ul>
      ) : null}
      {tenants.length > 0 ? (
        <>
          <h4 class="tenants-heading">Largest tenants here</h4>
          <ul class="tenants">
            {tenants.map((tenant) => {
              const figure = tenant.dataBytes ?? tenant.queries ?? 0;
              const share = Math.max(0, Math.min(1, figure / maxTenant));
              const size =
                tenant.dataBytes !== null ? formatBytes(tenant.dataBytes) : `${tenant.queries ?? 0} queries`;
              const name = tenant.name ?? `Company ${tenant.companyId}`;
              return (
                <li key={tenant.companyId}>
                  <a
                    class="tenant"
                    href={`#/shop/${tenant.companyId}`}
                    style={{ minHeight: `${2.6 + share * 6}rem` }}
                    title={`Open ${name} in the shop`}
                  >
                    <span class="tenant-name">{name}</span>
                    <span class="tenant-meta">
                      company {tenant.companyId} · {size}
                      {tenant.shardId ? ` · shard ${tenant.shardId}` : ''}
                    </span>
                  </a>
                </li>
              );
            })}
          </ul>
        </>
      ) : node.role === 'worker' && tenantsKnown ? (
        <p class="hint">{byQueries ? 'No busy tenant here.' : 'None of the largest tenants lives here.'}</p>
      ) : null}
    </li>
  );
}
