import { consoleFile } from '../../lib/console/files';
import { httpHandler } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';

export const handler = httpHandler(routes.consoleFile, async ({ params, headers }) =>
  consoleFile(params.file, headers['if-none-match']),
);
