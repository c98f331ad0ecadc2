import { consoleFile } from '../../lib/console/files';
import { httpHandler } from '../../lib/http/handler';
import * as routes from '../../lib/http/routes';

export const handler = httpHandler(routes.consolePage, async ({ headers }) =>
  consoleFile('index.html', headers['if-none-match']),
);
