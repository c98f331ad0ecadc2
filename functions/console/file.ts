import { consoleFile } from '../../lib/console/files';
import { httpHandler } from '../../lib/http/handler';
import { consoleRoutes } from '../../lib/http/routes';

export const handler = httpHandler(consoleRoutes.consoleFile, async ({ params, headers }) =>
  consoleFile(params.file, headers['if-none-match']),
);
