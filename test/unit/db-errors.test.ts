/**
 * Which database errors mean "the database cannot serve now" (a 503 with Retry-After)
 * rather than a bug (a 500): the states a failover or a restart passes through among them.
 */
import { unavailability } from '../../lib/db/errors';

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
