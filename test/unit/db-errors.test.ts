/**
 * Which database errors mean "the database cannot serve now" (a 503 with Retry-After)
 * rather than a bug (a 500): the states a failover or a restart passes through among them;
 * and which of them a statement may be sent again after (DB_RETRY_MS).
 */
import { unavailability, worthRepeating } from '../../lib/db/errors';

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('unavailability', () => {
  it.each([
    [
      'a worker that refuses connections',
      pgError('08006', 'connection to the remote node postgres@10.0.0.7:5432 failed'),
      'worker',
    ],
    [
      'a statement past its timeout',
      pgError('57014', 'canceling statement due to statement timeout'),
      'timeout',
    ],
    [
      'a server shutting down',
      pgError('57P01', 'terminating connection due to administrator command'),
      'database',
    ],
    [
      'a socket refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      'database',
    ],
    [
      'a backend whose postmaster died (a crashed primary)',
      pgError('XX000', 'postmaster was shut down, exiting'),
      'database',
    ],
    [
      'a standby reached while it is being promoted',
      pgError('25006', 'writing to worker nodes is not currently allowed'),
      'database',
    ],
  ])('should call %s unavailable', (_what, error, expected) => {
    expect(unavailability(error)).toBe(expected);
  });

  it.each([
    ['a unique violation', pgError('23505', 'duplicate key value violates unique constraint')],
    ['another internal error', pgError('XX000', 'could not find shard interval')],
    ['not a database error', new TypeError('x is undefined')],
  ])('should not call %s unavailable', (_what, error) => {
    expect(unavailability(error)).toBeUndefined();
  });
});

describe('worthRepeating', () => {
  const citus = (detail: string) =>
    pgError(
      '08006',
      `connection to the remote node postgres@10.0.0.7:5432 failed with the following error: ${detail}`,
    );

  it.each([
    [
      'a socket refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    ['a server starting up or shutting down', pgError('57P03', 'the database system is shutting down')],
    [
      'a standby reached while it is being promoted',
      pgError('25006', 'cannot execute INSERT in a read-only transaction'),
    ],
    [
      'a statement planned while Patroni moves the group',
      pgError('XX000', 'There is a shard placement on node 10.0.0.7:5432 but could not find the node.'),
    ],
    [
      'a worker refusing connections',
      citus('connection to server at "10.0.0.7", port 5432 failed: Connection refused'),
    ],
    [
      'a worker shutting down',
      citus(
        'connection to server at "10.0.0.7", port 5432 failed: FATAL:  the database system is shutting down',
      ),
    ],
  ])('should send any statement again after %s: it never ran', (_what, error) => {
    expect([worthRepeating(error, false), worthRepeating(error, true)]).toEqual([true, true]);
  });

  it.each([
    [
      'a session terminated mid-statement',
      pgError('57P01', 'terminating connection due to administrator command'),
    ],
    ['a connection cut off', new Error('Connection terminated unexpectedly')],
    ['a worker connection cut off', citus('server closed the connection unexpectedly')],
    ['a backend whose postmaster died', pgError('XX000', 'postmaster was shut down, exiting')],
    [
      'a server that stopped answering (PgBouncer waiting for a new primary)',
      new Error('Query read timeout'),
    ],
  ])('should send only a repeatable statement again after %s: it may have run', (_what, error) => {
    expect([worthRepeating(error, false), worthRepeating(error, true)]).toEqual([false, true]);
  });

  it.each([
    ['a statement past its timeout', pgError('57014', 'canceling statement due to statement timeout')],
    ['too many connections', pgError('53300', 'sorry, too many clients already')],
    ['a pool wait', new Error('timeout exceeded when trying to connect')],
    ['a unique violation', pgError('23505', 'duplicate key value violates unique constraint')],
    ['not a database error', new TypeError('x is undefined')],
  ])('should never send a statement again after %s', (_what, error) => {
    expect([worthRepeating(error, false), worthRepeating(error, true)]).toEqual([false, false]);
  });
});
