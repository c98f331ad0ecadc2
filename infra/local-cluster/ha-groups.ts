/**
 * The high-availability mode's groups as Patroni sees them (its REST API on each member):
 * who is each group's primary and standby, how far behind, and a switchover or failover
 * asked of patronictl.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { runAs } from './account';
import { program } from './binaries';
import { patronictlConfig } from './ha-config';
import { type ClusterState, type HaMember, type HaState, haGroups } from './state';

export interface GroupMember {
  name: string;
  role: string;
  state: string;
  host: string;
  port: number;
  lag?: number | string;
}

/** A group's members as Patroni's REST API lists them (GET /cluster of any member that answers). */
export async function groupMembers(ha: HaState, group: number): Promise<GroupMember[] | null> {
  for (const member of ha.members.filter((m) => m.group === group)) {
    try {
      const reply = await fetch(`http://${member.host}:${member.restPort}/cluster`, {
        signal: AbortSignal.timeout(2000),
      });
      const body = (await reply.json()) as { members?: GroupMember[] };
      if (body.members) return body.members;
    } catch {
      // this member does not answer: ask the next one
    }
  }
  return null;
}

/** Whether a group has a running primary and a synchronous standby that streams from it. */
export async function groupReady(ha: HaState, group: number): Promise<boolean> {
  const members = await groupMembers(ha, group);
  if (!members) return false;
  const leader = members.some((m) => m.role === 'leader' && m.state === 'running');
  const standby = members.some(
    (m) => m.role === 'sync_standby' && (m.state === 'streaming' || m.state === 'running'),
  );
  return leader && standby;
}

/** The member that is its group's primary now, by Patroni's word. */
export async function primaryOf(ha: HaState, group: number): Promise<HaMember | null> {
  const members = await groupMembers(ha, group);
  const leader = members?.find((m) => m.role === 'leader');
  return ha.members.find((m) => m.name === leader?.name) ?? null;
}

/** Every group's members as Patroni lists them: what `npm run cluster -- status` prints in this mode. */
export async function describeGroups(ha: HaState): Promise<string> {
  const lines: string[] = [];
  for (const group of haGroups(ha)) {
    const members = await groupMembers(ha, group);
    lines.push(`  group ${group} (${group === 0 ? 'coordinator' : 'worker'})`);
    if (!members) {
      lines.push('    no member answers');
      continue;
    }
    for (const m of members) {
      const lag = m.lag === undefined ? '' : `  lag ${m.lag === 'unknown' ? 'unknown' : `${m.lag} bytes`}`;
      lines.push(`    ${m.name.padEnd(15)} ${m.host}:${m.port}  ${m.role.padEnd(12)} ${m.state}${lag}`);
    }
  }
  return lines.join('\n');
}

/** Checks `done` every 500 ms until it gives a value or `ms` pass; the value, or undefined. */
async function poll<T>(done: () => Promise<T | undefined>, ms: number): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await done();
    if (value !== undefined || Date.now() > deadline) return value;
    await sleep(500);
  }
}

/**
 * A planned switchover (`switchover`) or a forced failover (`failover`) of one group, by
 * patronictl: the group's synchronous standby becomes its primary. Waits (30 s at most)
 * for a synchronous standby first, since Patroni only hands over to one (a standby that
 * has just rejoined is not one yet), then until the standby is the running primary.
 * Returns what patronictl printed.
 */
export async function changePrimary(
  state: ClusterState,
  ha: HaState,
  group: number,
  how: 'switchover' | 'failover',
): Promise<string> {
  const groups = haGroups(ha);
  if (!groups.includes(group)) throw new Error(`no group ${group}; the groups are ${groups.join(', ')}`);
  const candidate = await poll(
    async () =>
      (await groupMembers(ha, group))?.find((m) => m.role === 'sync_standby' && m.state !== 'stopped'),
    30_000,
  );
  if (!candidate) throw new Error(`group ${group} has no synchronous standby to take over`);
  const result = await runAs({ name: state.user }, program('patronictl'), [
    '-c',
    patronictlConfig(state),
    how,
    '--group',
    String(group),
    '--candidate',
    candidate.name,
    '--force',
  ]);
  const promoted = await poll(
    async () =>
      (await groupMembers(ha, group))?.find(
        (m) => m.name === candidate.name && m.role === 'leader' && m.state === 'running',
      ),
    60_000,
  );
  if (!promoted) {
    throw new Error(
      `${how} of group ${group} to ${candidate.name} did not happen:\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout.trim();
}
