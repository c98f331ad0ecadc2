import { consoleFile } from '../../lib/console/files';
import { httpHandler } from '../../lib/http/handler';
import { consoleRoutes } from '../../lib/http/routes';

export const handler = httpHandler(consoleRoutes.consolePage, async ({ headers }) =>
  consoleFile('index.html', headers['if-none-match']),
);
