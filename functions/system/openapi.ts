import { httpHandler, ok } from '../../lib/http/handler';
import { servedOpenApiDocument } from '../../lib/http/openapi-document';
import * as routes from '../../lib/http/routes';

export const handler = httpHandler(routes.openapi, async () => ok(servedOpenApiDocument()));
